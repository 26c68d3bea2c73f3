package io.igstream.stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.igstream.drift.Observation;
import io.igstream.drift.ObservationCodec;
import io.igstream.event.BatchExplainer;
import io.igstream.event.EventException;
import io.igstream.event.EventParser;
import io.igstream.event.Outcome;
import io.igstream.event.PredictionEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Second stage: buffers events per (model, version, shard) in a persistent, changelogged store and
 * explains a group when it reaches the batch size or its oldest event has waited the maximum time
 * (checked by a wall-clock punctuator, so an idle stream still flushes). Buffer deletes, outputs
 * and offsets commit in one transaction under exactly-once, so a buffered event survives a crash
 * and is explained exactly once.
 */
final class MicroBatcher implements Processor<String, String, String, Object> {

  static final String STORE = "igstream-batch-buffer";

  /** Records above this (JSON is ASCII here) are dead-lettered: 7 MiB under the 8 MiB limit. */
  static final int MAX_RECORD_CHARS = 7 * 1024 * 1024;

  static final String TO_ATTRIBUTIONS = "to-attributions";
  static final String TO_DEAD_LETTERS = "batcher-dead-letters";
  static final String TO_WINDOW_PARTIALS = "to-window-partials";

  private static final Logger LOG = LoggerFactory.getLogger(MicroBatcher.class);
  private static final char SEPARATOR = '\u0001';

  private final StreamSettings settings;
  private final BatchExplainer explainer;
  private final EventParser parser;
  private final StreamMetrics metrics;
  private final boolean summaries;
  private final long summaryGraceMs;
  private final ObjectMapper json = new ObjectMapper();
  private final Map<String, GroupState> groups = new HashMap<>();
  // Values are Strings for the sinks and a batch of observations for the window partials, which
  // share this task, so they take the objects as they are rather than through JSON.
  private ProcessorContext<String, Object> context;
  private KeyValueStore<String, String> buffer;
  private String taskId;
  private AtomicLong buffered;

  MicroBatcher(
      StreamSettings settings,
      BatchExplainer explainer,
      EventParser parser,
      StreamMetrics metrics,
      boolean summaries,
      long summaryGraceMs) {
    this.settings = settings;
    this.explainer = explainer;
    this.parser = parser;
    this.metrics = metrics;
    this.summaries = summaries;
    this.summaryGraceMs = summaryGraceMs;
  }

  /** What the processor remembers of a group between records: size and oldest buffering time. */
  private static final class GroupState {
    int count;
    long oldestMs = Long.MAX_VALUE;
  }

  @Override
  public void init(ProcessorContext<String, Object> context) {
    this.context = context;
    this.buffer = context.getStateStore(STORE);
    // A revived task calls init again on this instance: forget the aborted transaction's counts.
    groups.clear();
    taskId = context.taskId().toString();
    buffered = metrics.bufferedCount(taskId);
    // Events buffered before a restart are in the restored store: rebuild the group index.
    try (KeyValueIterator<String, String> all = buffer.all()) {
      while (all.hasNext()) {
        KeyValue<String, String> entry = all.next();
        track(groupOf(entry.key), Envelope.fromJson(entry.value).bufferedAtMs());
        buffered.incrementAndGet();
      }
    }
    long interval = Math.max(10, settings.maxWait().toMillis() / 4);
    context.schedule(
        java.time.Duration.ofMillis(interval), PunctuationType.WALL_CLOCK_TIME, this::flushExpired);
  }

  @Override
  public void process(Record<String, String> record) {
    long offset = context.recordMetadata().orElseThrow().offset();
    long now = context.currentSystemTimeMs();
    Envelope envelope = Envelope.fromJson(record.value()).bufferedAt(now);
    // The repartition offset orders a group's events and is unique within this task's partition.
    buffer.put(record.key() + SEPARATOR + String.format("%019d", offset), envelope.toJson());
    buffered.incrementAndGet();
    GroupState state = track(record.key(), now);
    if (state.count >= settings.batchSize()) {
      flush(record.key());
    }
  }

  private GroupState track(String group, long bufferedAtMs) {
    GroupState state = groups.computeIfAbsent(group, g -> new GroupState());
    state.count++;
    state.oldestMs = Math.min(state.oldestMs, bufferedAtMs);
    return state;
  }

  private void flushExpired(long now) {
    List<String> due = new ArrayList<>();
    for (Map.Entry<String, GroupState> entry : groups.entrySet()) {
      if (now - entry.getValue().oldestMs >= settings.maxWait().toMillis()) {
        due.add(entry.getKey());
      }
    }
    due.forEach(this::flush);
  }

  private void flush(String group) {
    List<KeyValue<String, Envelope>> entries = new ArrayList<>();
    try (KeyValueIterator<String, String> it =
        buffer.prefixScan(group + SEPARATOR, new StringSerializer())) {
      while (it.hasNext()) {
        KeyValue<String, String> entry = it.next();
        entries.add(KeyValue.pair(entry.key, Envelope.fromJson(entry.value)));
      }
    }
    groups.remove(group);
    if (entries.isEmpty()) {
      return;
    }
    String[] parts = group.split("\\|", 3);
    List<PredictionEvent> events = new ArrayList<>();
    List<Envelope> parsed = new ArrayList<>();
    for (KeyValue<String, Envelope> entry : entries) {
      try {
        events.add(parser.parse(entry.value.payload()));
        parsed.add(entry.value);
      } catch (EventException e) {
        // Validated by the keyer already; only a change of parser between versions lands here.
        deadLetter(entry.value, e.stage(), e.getMessage());
      }
    }
    long started = System.nanoTime();
    List<Outcome> outcomes;
    try {
      outcomes = explainer.explain(parts[0], parts[1], events);
    } catch (RuntimeException e) {
      // The explainer isolates per-event failures; this is a fault of the whole batch.
      LOG.error("batch failed model={} version={} events={}", parts[0], parts[1], events.size(), e);
      outcomes = new ArrayList<>();
      for (PredictionEvent event : events) {
        outcomes.add(
            new Outcome.Failed(
                event.eventId(),
                parts[0],
                parts[1],
                "explain",
                "the explainer failed on this batch: "
                    + e
                    + " (model "
                    + parts[0]
                    + " version "
                    + parts[1]
                    + ")"));
      }
    }
    ModelMeters meters = metrics.batch(parts[0], events.size(), System.nanoTime() - started);
    // One clock read per batch: the events of a batch are written together.
    long writtenMs = System.currentTimeMillis();
    List<ObservationCodec.Timed> observed = new ArrayList<>();
    for (int i = 0; i < parsed.size(); i++) {
      Outcome outcome = outcomes.get(i);
      Envelope envelope = parsed.get(i);
      String record = outcome instanceof Outcome.Explained explained ? toJson(explained) : null;
      if (record != null && record.length() > MAX_RECORD_CHARS) {
        // The broker would refuse it and the batch would replay forever: one event's problem.
        deadLetter(
            envelope,
            "explain",
            "the attribution record is "
                + record.length()
                + " bytes, over the "
                + MAX_RECORD_CHARS
                + "-byte limit (model "
                + envelope.model()
                + " version "
                + envelope.version()
                + "); ask for fewer targets than top-K, or attribute a smaller input");
      } else if (record != null) {
        metrics.explained();
        meters.written(writtenMs - envelope.timestampMs());
        Observation observation = ((Outcome.Explained) outcome).observation();
        if (summaries && observation != null) {
          // A clock far ahead (local time labelled UTC, a typo'd year) must not close every open
          // window of its shard: such events count in the shard's current window instead.
          observed.add(
              new ObservationCodec.Timed(
                  EventTimes.of(
                      events.get(i).eventTime(),
                      envelope.timestampMs(),
                      context.currentSystemTimeMs(),
                      summaryGraceMs),
                  observation));
        }
        context.forward(
            new Record<>(envelope.eventId(), record, context.currentSystemTimeMs()),
            TO_ATTRIBUTIONS);
      } else {
        Outcome.Failed failed = (Outcome.Failed) outcome;
        deadLetter(envelope, failed.stage(), failed.reason());
      }
    }
    if (!observed.isEmpty()) {
      // One record per batch: the summaries update their window state once, not per event.
      context.forward(
          new Record<>(group, new ObservationBatch(observed), context.currentSystemTimeMs()),
          TO_WINDOW_PARTIALS);
    }
    for (KeyValue<String, Envelope> entry : entries) {
      buffer.delete(entry.key);
    }
    buffered.addAndGet(-entries.size());
  }

  @Override
  public void close() {
    if (buffered != null) {
      metrics.releaseBuffered(taskId, buffered);
    }
  }

  private String toJson(Outcome.Explained explained) {
    try {
      return json.writeValueAsString(explained.record());
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private void deadLetter(Envelope envelope, String stage, String reason) {
    metrics.deadLettered(stage);
    context.forward(
        new Record<>(
            envelope.eventId(),
            DeadLetters.record(
                envelope.eventId(),
                envelope.model(),
                envelope.version(),
                stage,
                reason,
                envelope.payload(),
                envelope.topic(),
                envelope.partition(),
                envelope.offset(),
                context.currentSystemTimeMs()),
            context.currentSystemTimeMs()),
        TO_DEAD_LETTERS);
  }

  private static String groupOf(String storeKey) {
    return storeKey.substring(0, storeKey.indexOf(SEPARATOR));
  }
}
