package io.igstream.event;

import java.util.List;

/** Explains a batch of events of one model version; one outcome per event, in order. */
@FunctionalInterface
public interface BatchExplainer {

  List<Outcome> explain(String model, String version, List<PredictionEvent> events);
}
