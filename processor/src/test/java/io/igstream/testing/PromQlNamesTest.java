package io.igstream.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The PromQL tokenizer finds metric names and nothing else; the scrape check names what lacks. */
class PromQlNamesTest {

  @Test
  void findsMetricsNotFunctionsLabelsDurationsOrVariables() {
    assertThat(
            PromQlNames.of(
                "histogram_quantile(0.99, sum by (le, model) (rate("
                    + "igstream_batch_explain_seconds_bucket{model=~\"$model\"}[$__rate_interval])))"))
        .containsExactly("igstream_batch_explain_seconds_bucket");
    assertThat(
            PromQlNames.of(
                "sum without (stage) (rate(igstream_events_dead_lettered_total[5m] offset 1h))"
                    + " / on (instance) group_left () sum(rate(igstream_events_consumed_total[5m]))"
                    + " > 0.05 and on() max_over_time(up{job=\"x\"}[10m]) == bool 1"))
        .containsExactly(
            "igstream_events_dead_lettered_total", "igstream_events_consumed_total", "up");
    assertThat(PromQlNames.of("count(igstream_drift_score{feature=\"a{b}\"}) > 1e3 or vector(0)"))
        .containsExactly("igstream_drift_score");
    assertThat(PromQlNames.of("${datasource} foo:bar_rate5m")).containsExactly("foo:bar_rate5m");
  }

  @Test
  void readsTheSelectorOfGrafanasLabelValues() {
    assertThat(
            PromQlNames.of(
                PromQlNames.promQlOfVariableQuery(
                    "label_values(igstream_events_explained_total{job=\"a\"}, model)")))
        .containsExactly("igstream_events_explained_total");
    assertThat(PromQlNames.promQlOfVariableQuery("label_values(model)")).isEmpty();
  }

  @Test
  void aMisspeltNameIsReportedMissing() {
    PrometheusScrape scrape =
        PrometheusScrape.parse(
            "# TYPE igstream_events_explained_total counter\n"
                + "igstream_events_explained_total 3.0\n"
                + "# TYPE igstream_batch_events histogram\n"
                + "igstream_batch_events_bucket{le=\"1.0\"} 1.0\n"
                + "igstream_batch_events_count 1.0\n"
                + "igstream_batch_events_sum 1.0\n"
                + "# TYPE igstream_batch_size summary\n"
                + "igstream_batch_size_count 1.0\n");
    assertThat(
            scrape.missing(
                List.of(
                    "rate(igstream_events_explained_total[5m])",
                    "rate(igstream_events_explaned_total[5m])",
                    "histogram_quantile(0.5, rate(igstream_batch_events_bucket[5m]))",
                    // a summary has no buckets; a histogram's family name is no sample
                    "rate(igstream_batch_size_bucket[5m]) + igstream_batch_events + up"),
                Set.of("up")))
        .containsOnlyKeys(
            "igstream_events_explaned_total",
            "igstream_batch_size_bucket",
            "igstream_batch_events");
  }
}
