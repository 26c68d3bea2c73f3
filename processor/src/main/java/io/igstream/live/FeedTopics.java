package io.igstream.live;

import java.util.ArrayList;
import java.util.List;

/**
 * The topics the view reads: the inputs (for image events' pictures only) and the outputs. {@code
 * summaries} and {@code alerts} are null when summaries are off.
 */
public record FeedTopics(
    String input, String attributions, String deadLetters, String summaries, String alerts) {

  List<String> all() {
    List<String> all = new ArrayList<>(List.of(input, attributions, deadLetters));
    if (summaries != null) {
      all.add(summaries);
    }
    if (alerts != null) {
      all.add(alerts);
    }
    return all;
  }
}
