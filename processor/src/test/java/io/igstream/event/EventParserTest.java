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
  void findsTheIdOfAnEventItCannotParse() {
    assertThat(parser.bestEffortId("{\"event_id\":\"x1\",\"inputs\":5}")).isEqualTo("x1");
    assertThat(parser.bestEffortId("{garbage")).isNull();
  }
}
