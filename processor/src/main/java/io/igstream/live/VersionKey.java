package io.igstream.live;

import java.util.Comparator;

/** A model version, ordered by model then version as the page lists them. */
record VersionKey(String model, String version) implements Comparable<VersionKey> {

  private static final Comparator<VersionKey> ORDER =
      Comparator.comparing(VersionKey::model).thenComparing(VersionKey::version);

  @Override
  public int compareTo(VersionKey other) {
    return ORDER.compare(this, other);
  }
}
