package io.igstream.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class EventParserTest {

  private final EventParser parser = new EventParser(new ObjectMapper());

  @Test
  void readsInputsAsShapedArrays() {
    PredictionEvent event =
        parser.parse(
            "{\"event_id\":\"a\",\"model\":\"m\",\"version\":3,\"inputs\":{\"x\":[[1,2],[3,4],[5,6]]}}");
    assertThat(event.version()).isEqualTo("3");
    assertThat(event.inputs().get("x").shape()).containsExactly(3, 2);
    assertThat(event.inputs().get("x").values()).containsExactly(1, 2, 3, 4, 5, 6);
  }

  @Test
  void namesTheStageAndWhatIsWrong() {
    assertThatThrownBy(() -> parser.parse("[1,2]")).hasMessageContaining("JSON object");
    assertThatThrownBy(
            () ->
                parser.parse(
                    "{\"event_id\":\"a\",\"model\":\"m\",\"version\":\"1\",\"inputs\":{\"x\":[[1,2],[3]]}}"))
        .isInstanceOf(EventException.class)
        .hasMessageContaining("ragged array at $[1]");
    assertThatThrownBy(
            () ->
                parser.parse(
                    "{\"event_id\":\"a\",\"model\":\"m/../x\",\"version\":\"1\",\"inputs\":{\"x\":1}}"))
        .hasMessageContaining("no path separators");
    assertThatThrownBy(
            () ->
                parser.parse(
                    "{\"event_id\":\"a\",\"model\":\".hidden\",\"version\":\"1\",\"inputs\":{\"x\":1}}"))
        .hasMessageContaining("no path separators");
    assertThatThrownBy(() -> parser.parse("{\"event_id\":\"a\",\"model\":\"m\",\"version\":\"1\"}"))
        .hasMessageContaining("exactly one of 'inputs'");
    EventException stage =
        org.assertj.core.api.Assertions.catchThrowableOfType(
            EventException.class, () -> parser.parse("{oops"));
    assertThat(stage.stage()).isEqualTo("parse");
  }

  @Test
  void aSmallDocumentClaimingAHugeArrayIsRefusedBeforeAnythingIsAllocated() {
    // The first elements claim 1400 x 1400 x 1400 numbers; the document holds about 4,000.
    StringBuilder inner = new StringBuilder("[");
    for (int i = 0; i < 1400; i++) {
      inner.append(i == 0 ? "" : ",").append('0');
    }
    inner.append(']');
    StringBuilder middle = new StringBuilder("[").append(inner);
    for (int i = 1; i < 1400; i++) {
      middle.append(",0");
    }
    middle.append(']');
    StringBuilder outer = new StringBuilder("[").append(middle);
    for (int i = 1; i < 1400; i++) {
      outer.append(",0");
    }
    outer.append(']');
    String event =
        "{\"event_id\":\"big\",\"model\":\"m\",\"version\":\"1\",\"inputs\":{\"x\":" + outer + "}}";
    assertThatThrownBy(() -> parser.parse(event))
        .isInstanceOf(EventException.class)
        .hasMessageContaining("ragged array at $[0][1]");
  }

  @Test
  void inputsOverTheSizeLimitAreRefused() {
    StringBuilder rows = new StringBuilder("[");
    String row = "[" + "0,".repeat(2047) + "0]";
    for (int i = 0; i < 2049; i++) {
      rows.append(i == 0 ? "" : ",").append(row);
    }
    rows.append(']');
    String event =
        "{\"event_id\":\"huge\",\"model\":\"m\",\"version\":\"1\",\"inputs\":{\"x\":" + rows + "}}";
    assertThatThrownBy(() -> parser.parse(event)).hasMessageContaining("over the limit");
  }

  @Test
  void findsTheIdOfAnEventItCannotParse() {
    assertThat(parser.bestEffortId("{\"event_id\":\"x1\",\"inputs\":5}")).isEqualTo("x1");
    assertThat(parser.bestEffortId("{garbage")).isNull();
  }
}
