package io.igstream.app.broker;

/** A running Kafka broker that clients reach at {@link #bootstrapServers()}; closing stops it. */
public interface KafkaBroker extends AutoCloseable {

  /** The {@code host:port} list that producers, consumers and admin clients bootstrap from. */
  String bootstrapServers();

  /** Stops the broker and releases what it holds; calling it again does nothing. */
  @Override
  void close();
}
