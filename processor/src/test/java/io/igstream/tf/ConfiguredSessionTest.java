package io.igstream.tf;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.igstream.ig.Attribution;
import io.igstream.ig.IgOptions;
import io.igstream.ig.QuadratureRule;
import io.igstream.testing.Fixtures;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Real fixture SavedModels loaded with non-default session settings still explain as the Python
 * reference does, and TensorFlow's own trace shows where their graphs ran: the CPU, here.
 */
class ConfiguredSessionTest {

  private static final SessionSettings ONE_THREAD_EACH =
      new SessionSettings("", true, 0, false, 1, 1);

  /** Both run modes: on the calling thread (the default) and in TensorFlow's inter-op pool. */
  static Stream<Arguments> modelsAndRunModes() {
    return Stream.of("linear", "diabetes")
        .flatMap(name -> Stream.of(Arguments.of(name, true), Arguments.of(name, false)));
  }

  @ParameterizedTest(name = "{0} caller-thread runs {1}")
  @MethodSource("modelsAndRunModes")
  void explainsLikeTheReferenceAndRunsOnTheCpu(String name, boolean callerThreadRuns) {
    JsonNode reference = Fixtures.reference(name);
    ModelLoader loader =
        new ModelLoader(new OpRegistry(), ONE_THREAD_EACH.withCallerThreadRuns(callerThreadRuns));
    try (TfModel model =
        loader.load(
            Fixtures.modelDirectory(reference), ReferenceAttributionTest.spec(reference), null)) {
      String rule = reference.get("quadrature").get("rules").get(0).asText();
      String steps = reference.get("quadrature").get("steps").get(0).asText();
      List<Attribution> results =
          ReferenceAttributionTest.explainCases(
              model,
              reference,
              IgOptions.defaults()
                  .withRule(QuadratureRule.fromExternalName(rule), Integer.parseInt(steps)));
      int i = 0;
      for (JsonNode testCase : reference.get("cases")) {
        ReferenceAttributionTest.assertMatches(
            results.get(i++),
            testCase,
            testCase.get("attributions").get(rule).get(steps),
            name + " " + rule + "@" + steps);
      }
      List<String> devices = model.devices();
      assertThat(devices).isNotEmpty().allMatch(d -> d.matches(".*/device:CPU:\\d+"));
    }
  }
}
