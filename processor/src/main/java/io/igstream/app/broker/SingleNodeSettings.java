package io.igstream.app.broker;

import java.util.Map;

/**
 * Broker settings that make a one-node cluster behave: internal topics and fast failure detection.
 */
public final class SingleNodeSettings {

  private SingleNodeSettings() {}

  /**
   * The settings every single-node broker of ours gets, whichever way it is started.
   *
   * <p>Kafka's defaults assume three brokers: with them consumer groups never get an assignment and
   * exactly-once transactions never start on one node. The session timeout makes a restarted broker
   * rejoin in seconds rather than waiting out the default nine. Five partitions instead of fifty
   * for the offsets and transaction topics save about a second each on the first group join and the
   * first transaction of a fresh broker (measured), and one node gains nothing from spreading
   * coordinators wider.
   */
  public static Map<String, String> brokerProperties() {
    return Map.ofEntries(
        Map.entry("offsets.topic.replication.factor", "1"),
        Map.entry("transaction.state.log.replication.factor", "1"),
        Map.entry("transaction.state.log.min.isr", "1"),
        Map.entry("share.coordinator.state.topic.replication.factor", "1"),
        Map.entry("share.coordinator.state.topic.min.isr", "1"),
        Map.entry("group.initial.rebalance.delay.ms", "0"),
        Map.entry("offsets.topic.num.partitions", "5"),
        Map.entry("transaction.state.log.num.partitions", "5"),
        Map.entry("broker.session.timeout.ms", "2000"),
        Map.entry("broker.heartbeat.interval.ms", "500"));
  }
}
