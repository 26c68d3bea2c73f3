package io.igstream.app.broker;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.TopicExistsException;

/** Creates topics on a broker and waits until every partition has a leader. */
public final class Topics implements AutoCloseable {

  private final Admin admin;

  private Topics(Admin admin) {
    this.admin = admin;
  }

  /** An admin connection to {@code bootstrapServers}; close it when done. */
  public static Topics connect(String bootstrapServers) {
    return new Topics(
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers)));
  }

  /**
   * Creates each topic (name to partition count) with one replica, the only count one broker
   * allows; a topic that already exists with that many partitions is accepted as it is.
   */
  public void create(Map<String, Integer> partitionsByTopic, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<NewTopic> topics =
        partitionsByTopic.entrySet().stream()
            .map(e -> new NewTopic(e.getKey(), Optional.of(e.getValue()), Optional.of((short) 1)))
            .toList();
    admin
        .createTopics(topics)
        .values()
        .forEach(
            (name, created) -> {
              try {
                created.get(
                    remainingMillis(deadline, timeout, partitionsByTopic.keySet()),
                    TimeUnit.MILLISECONDS);
              } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                  throw new IllegalStateException(
                      "cannot create topic " + name + ": " + e.getCause().getMessage(), e);
                }
              } catch (TimeoutException e) {
                throw late(partitionsByTopic.keySet(), timeout, e);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while creating " + name, e);
              }
            });
    awaitLeaders(partitionsByTopic, deadline, timeout);
  }

  /**
   * Waits until every partition of these topics (of any partition count) has a leader: a producer
   * that writes to a topic seconds old otherwise meets NOT_LEADER_OR_FOLLOWER retries, and an
   * idempotent one has been seen here to fail its sequence checks after them.
   */
  public static void awaitLeaders(Admin admin, Collection<String> topics, Duration timeout) {
    Map<String, Integer> anyCount = new java.util.LinkedHashMap<>();
    topics.forEach(t -> anyCount.put(t, ANY_PARTITION_COUNT));
    new Topics(admin).awaitLeaders(anyCount, System.nanoTime() + timeout.toNanos(), timeout);
  }

  private static final int ANY_PARTITION_COUNT = -1;

  private void awaitLeaders(Map<String, Integer> expected, long deadline, Duration timeout) {
    while (true) {
      try {
        Map<String, TopicDescription> described =
            admin
                .describeTopics(expected.keySet())
                .allTopicNames()
                .get(remainingMillis(deadline, timeout, expected.keySet()), TimeUnit.MILLISECONDS);
        if (ready(expected, described)) {
          return;
        }
      } catch (ExecutionException e) {
        // Metadata can lag creation for a moment: UnknownTopicOrPartition means not yet.
      } catch (TimeoutException e) {
        throw late(expected.keySet(), timeout, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for topics", e);
      }
      remainingMillis(deadline, timeout, expected.keySet());
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for topics", e);
      }
    }
  }

  private static boolean ready(
      Map<String, Integer> expected, Map<String, TopicDescription> described) {
    for (Map.Entry<String, Integer> topic : expected.entrySet()) {
      TopicDescription description = described.get(topic.getKey());
      int partitions = description.partitions().size();
      if (topic.getValue() != ANY_PARTITION_COUNT && partitions != topic.getValue()) {
        throw new IllegalStateException(
            "topic "
                + topic.getKey()
                + " already exists with "
                + partitions
                + " partitions, not "
                + topic.getValue()
                + "; delete it or ask for "
                + partitions);
      }
      if (description.partitions().stream().anyMatch(p -> p.leader() == null)) {
        return false;
      }
    }
    return true;
  }

  private static long remainingMillis(long deadline, Duration timeout, Collection<String> topics) {
    long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
    if (left <= 0) {
      throw late(topics, timeout, null);
    }
    return left;
  }

  private static IllegalStateException late(
      Collection<String> topics, Duration timeout, Exception cause) {
    return new IllegalStateException(
        "topics "
            + topics
            + " were not ready within "
            + timeout.toMillis()
            + " ms; check that the broker is up and reachable",
        cause);
  }

  @Override
  public void close() {
    admin.close();
  }
}
