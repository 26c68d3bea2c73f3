package io.igstream.live;

import java.util.concurrent.Semaphore;

/**
 * One processor's live view: its state, the feed that fills it and the slots of its event streams.
 * Closing it ends the feed and every open stream.
 */
public final class LiveView implements AutoCloseable {

  /** Open event streams at most; each holds one HTTP thread. */
  public static final int MAX_STREAMS = 16;

  private final LiveState state;
  private final LiveFeed feed;
  private final Semaphore streams = new Semaphore(MAX_STREAMS);
  private volatile boolean closed;

  /**
   * @param feed may be null (tests of the HTTP side alone)
   */
  public LiveView(LiveState state, LiveFeed feed) {
    this.state = state;
    this.feed = feed;
  }

  public LiveState state() {
    return state;
  }

  boolean tryOpenStream() {
    return !closed && streams.tryAcquire();
  }

  void streamClosed() {
    streams.release();
  }

  boolean closed() {
    return closed;
  }

  @Override
  public void close() {
    closed = true;
    if (feed != null) {
      feed.close();
    }
  }
}
