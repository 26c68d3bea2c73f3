package io.igstream.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** How the demo prints the target of an attribution record: index, function target, none. */
class DemoTargetTextTest {

  private final ObjectMapper json = new ObjectMapper();

  @Test
  void indicesPrintAsThemselvesAndFunctionTargetsAsTheirJson() throws Exception {
    assertThat(DemoCommand.targetText(json.readTree("3"))).isEqualTo("3");
    assertThat(DemoCommand.targetText(json.readTree("{\"contrast\":[3,\"runner_up\"]}")))
        .isEqualTo("{\"contrast\":[3,\"runner_up\"]}");
    assertThat(DemoCommand.targetText(json.readTree("null"))).isEqualTo("-");
    assertThat(DemoCommand.targetText(null)).isEqualTo("-");
  }
}
