package io.igstream.stream;

import io.igstream.drift.ObservationCodec;
import java.util.List;

/** The explained events of one micro-batch, passed from the batcher to the window partials. */
record ObservationBatch(List<ObservationCodec.Timed> observations) {}
