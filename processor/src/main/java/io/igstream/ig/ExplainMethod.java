package io.igstream.ig;

import java.util.List;

/** An attribution method that explains a batch of events (plain, Guided or Blur IG). */
public interface ExplainMethod {

  /** Explains each request; the result at index i holds one attribution per target of request i. */
  List<List<Attribution>> explain(List<ExplainRequest> requests);
}
