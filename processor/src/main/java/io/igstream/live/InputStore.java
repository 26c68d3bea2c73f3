package io.igstream.live;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The inputs of recent image-like events, by event id, so that the page can lay a heatmap over the
 * picture: bounded by count and by total size, oldest dropped first. Not thread-safe: {@link
 * LiveState} guards it.
 */
final class InputStore {

  private final int maxEntries;
  private final long maxBytes;
  private final Map<String, String> inputs = new LinkedHashMap<>();
  private long bytes;

  InputStore(int maxEntries, long maxBytes) {
    this.maxEntries = maxEntries;
    this.maxBytes = maxBytes;
  }

  void put(String eventId, String inputsJson) {
    if (inputsJson.length() > maxBytes) {
      return;
    }
    String previous = inputs.remove(eventId);
    if (previous != null) {
      bytes -= previous.length();
    }
    inputs.put(eventId, inputsJson);
    bytes += inputsJson.length();
    Iterator<Map.Entry<String, String>> oldest = inputs.entrySet().iterator();
    while (inputs.size() > maxEntries || bytes > maxBytes) {
      bytes -= oldest.next().getValue().length();
      oldest.remove();
    }
  }

  String get(String eventId) {
    return inputs.get(eventId);
  }

  int size() {
    return inputs.size();
  }

  /** Characters held, a close stand-in for bytes (the inputs are ASCII JSON numbers). */
  long bytes() {
    return bytes;
  }
}
