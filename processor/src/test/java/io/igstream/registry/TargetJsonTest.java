package io.igstream.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.igstream.ig.TargetSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Target objects as configs and events write them. */
class TargetJsonTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static TargetSpec parse(String json) throws Exception {
    return TargetJson.parse(JSON.readTree(json));
  }

  @Test
  void everyFormReadsToItsSpec() throws Exception {
    assertThat(parse("3")).isEqualTo(new TargetSpec.Index(3));
    assertThat(parse("\"top-2\"")).isEqualTo(new TargetSpec.TopK(2));
    assertThat(parse("{\"contrast\":[2,5]}")).isEqualTo(new TargetSpec.Contrast(2, 5));
    assertThat(parse("{\"contrast\":[2,\"runner_up\"]}"))
        .isEqualTo(new TargetSpec.Contrast(2, null));
    assertThat(parse("{\"sum\":[0,3]}")).isEqualTo(new TargetSpec.Sum(List.of(0, 3)));
    assertThat(parse("{\"index\":0,\"minus\":150.0}")).isEqualTo(new TargetSpec.Shifted(0, 150.0));
    assertThat(parse("{\"softmax\":1,\"temperature\":2}"))
        .isEqualTo(new TargetSpec.Softmax(1, 2.0));
    assertThat(parse("{\"softmax\":1}")).isEqualTo(new TargetSpec.Softmax(1, 1.0));
  }

  @Test
  void mistakesNameTheKey() {
    assertThatThrownBy(() -> parse("{\"contrats\":[1,2]}")).hasMessageContaining("'contrats'");
    assertThatThrownBy(() -> parse("{\"contrast\":[1,2],\"minus\":3}"))
        .hasMessageContaining("'minus'");
    assertThatThrownBy(() -> parse("{\"index\":0}")).hasMessageContaining("target.minus");
    assertThatThrownBy(() -> parse("{\"softmax\":1,\"temperature\":0}"))
        .hasMessageContaining("temperature");
    assertThatThrownBy(() -> parse("{\"sum\":[1,1]}")).hasMessageContaining("twice");
  }
}
