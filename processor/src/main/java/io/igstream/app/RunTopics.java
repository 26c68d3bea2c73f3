package io.igstream.app;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Environment overrides that give every topic of one run its own prefix (demo, benchmark, tests).
 */
final class RunTopics {

  private RunTopics() {}

  static Map<String, String> prefixed(String prefix) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("IGSTREAM_TOPICS_INPUT", prefix + ".predictions");
    env.put("IGSTREAM_TOPICS_ATTRIBUTIONS", prefix + ".attributions");
    env.put("IGSTREAM_TOPICS_DEAD_LETTERS", prefix + ".dead-letters");
    env.put("IGSTREAM_TOPICS_BATCHES", prefix + ".batches");
    env.put("IGSTREAM_TOPICS_SUMMARY_PARTIALS", prefix + ".summary-partials");
    env.put("IGSTREAM_TOPICS_SUMMARIES", prefix + ".summaries");
    env.put("IGSTREAM_TOPICS_ALERTS", prefix + ".alerts");
    return env;
  }
}
