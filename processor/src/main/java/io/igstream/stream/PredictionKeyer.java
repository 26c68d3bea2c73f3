package io.igstream.stream;

import io.igstream.event.EventException;
import io.igstream.event.EventParser;
import io.igstream.event.PredictionEvent;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * First stage: validates each event, decides whether it is sampled, and keys it by (model, version,
 * shard) so that a busy model version spreads over several partitions. Invalid events go straight
 * to the dead-letter topic with the reason.
 */
final class PredictionKeyer implements Processor<String, String, String, String> {

  static final String TO_BATCHES = "to-batches";
  static final String TO_DEAD_LETTERS = "keyer-dead-letters";

  private final StreamSettings settings;
  private final EventParser parser;
  private final StreamMetrics metrics;
  private ProcessorContext<String, String> context;

  PredictionKeyer(StreamSettings settings, EventParser parser, StreamMetrics metrics) {
    this.settings = settings;
    this.parser = parser;
    this.metrics = metrics;
  }

  @Override
  public void init(ProcessorContext<String, String> context) {
    this.context = context;
  }

  @Override
  public void process(Record<String, String> record) {
    metrics.consumed();
    RecordMetadata source = context.recordMetadata().orElseThrow();
    String payload = record.value() == null ? "" : record.value();
    PredictionEvent event;
    try {
      event = parser.parse(payload);
    } catch (RuntimeException failure) {
      EventException e =
          failure instanceof EventException known
              ? known
              : new EventException("parse", "the event cannot be read: " + failure);
      metrics.deadLettered(e.stage());
      String eventId = parser.bestEffortId(payload);
      context.forward(
          new Record<>(
              eventId,
              DeadLetters.record(
                  eventId,
                  null,
                  null,
                  e.stage(),
                  e.getMessage(),
                  payload,
                  source.topic(),
                  source.partition(),
                  source.offset(),
                  context.currentSystemTimeMs()),
              record.timestamp()),
          TO_DEAD_LETTERS);
      return;
    }
    if (fraction(event.eventId(), "sample") >= settings.samplingFor(event.model())) {
      // Only configured models get their own series: names from events must not grow metrics.
      metrics.notSampled(settings.sampling().containsKey(event.model()) ? event.model() : "other");
      return;
    }
    int shard = (int) (fraction(event.eventId(), "shard") * settings.shardsFor(event.model()));
    Envelope envelope =
        new Envelope(
            payload,
            event.eventId(),
            event.model(),
            event.version(),
            source.topic(),
            source.partition(),
            source.offset(),
            0,
            record.timestamp());
    context.forward(
        new Record<>(
            groupKey(event.model(), event.version(), shard), envelope.toJson(), record.timestamp()),
        TO_BATCHES);
  }

  /** A deterministic number in [0, 1) from the event id, so that replays decide the same way. */
  static double fraction(String eventId, String purpose) {
    int hash = Utils.murmur2((purpose + ":" + eventId).getBytes(StandardCharsets.UTF_8));
    return (hash & 0x7fffffff) / (double) (1L << 31);
  }

  /** The batching key: model and version names cannot contain '|', so it splits back cleanly. */
  static String groupKey(String model, String version, int shard) {
    return model + "|" + version + "|" + shard;
  }
}
