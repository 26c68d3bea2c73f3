package io.igstream.testing;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * A scrape in Prometheus' text format, read into what tests ask about: the sample names, each
 * family's type, and the value of a series given as it is printed ({@code name{labels}}).
 */
public final class PrometheusScrape {

  private final Map<String, Double> series = new LinkedHashMap<>();
  private final Set<String> sampleNames = new LinkedHashSet<>();
  private final Map<String, String> types = new HashMap<>();

  private PrometheusScrape() {}

  public static PrometheusScrape parse(String text) {
    PrometheusScrape scrape = new PrometheusScrape();
    for (String line : text.split("\n")) {
      if (line.startsWith("# TYPE ")) {
        String[] parts = line.split(" ");
        scrape.types.put(parts[2], parts[3]);
      } else if (!line.isBlank() && !line.startsWith("#")) {
        int space = line.lastIndexOf(' ');
        String key = line.substring(0, space);
        int brace = key.indexOf('{');
        scrape.sampleNames.add(brace < 0 ? key : key.substring(0, brace));
        scrape.series.put(key, Double.parseDouble(line.substring(space + 1)));
      }
    }
    return scrape;
  }

  /** The value of a series written exactly as in the scrape, e.g. {@code a_total{x="1"}}. */
  public OptionalDouble value(String printedSeries) {
    Double v = series.get(printedSeries);
    return v == null ? OptionalDouble.empty() : OptionalDouble.of(v);
  }

  /** The value of the first series of a sample name whose labels include all of {@code labels}. */
  public OptionalDouble value(String name, Map<String, String> labels) {
    for (Map.Entry<String, Double> e : series.entrySet()) {
      String key = e.getKey();
      if (!(key.equals(name) || key.startsWith(name + "{"))) {
        continue;
      }
      boolean all = true;
      for (Map.Entry<String, String> label : labels.entrySet()) {
        String matcher = label.getKey() + "=\"" + label.getValue() + "\"";
        all &= key.contains("{" + matcher) || key.contains("," + matcher);
      }
      if (all) {
        return OptionalDouble.of(e.getValue());
      }
    }
    return OptionalDouble.empty();
  }

  public Set<String> sampleNames() {
    return sampleNames;
  }

  /**
   * The metric names the expressions read that this scrape does not provide, each with the first
   * expression that reads it; {@code external} names come from Prometheus itself (such as {@code
   * up}), not from the target.
   */
  public Map<String, String> missing(List<String> expressions, Set<String> external) {
    Map<String, String> missing = new LinkedHashMap<>();
    for (String expr : expressions) {
      for (String name : PromQlNames.of(expr)) {
        if (!external.contains(name) && !provides(name)) {
          missing.putIfAbsent(name, expr);
        }
      }
    }
    return missing;
  }

  /**
   * Whether PromQL can read this name from the scrape: a sample name, where a histogram's {@code
   * _bucket} must belong to a histogram and {@code _count}/{@code _sum} to a histogram or summary
   * (a name that only looks like one is not enough).
   */
  public boolean provides(String name) {
    if (!sampleNames.contains(name)) {
      return false;
    }
    for (String suffix : List.of("_bucket", "_count", "_sum")) {
      if (name.endsWith(suffix)) {
        String family = types.get(name.substring(0, name.length() - suffix.length()));
        if (family != null) {
          return suffix.equals("_bucket")
              ? family.equals("histogram")
              : family.equals("histogram") || family.equals("summary");
        }
      }
    }
    return true;
  }
}
