package io.igstream.event;

/**
 * One event could not be explained; {@code stage} says where it failed (parse, schema, model,
 * input, explain) and the message says why in words a person can act on.
 */
public class EventException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final String stage;

  public EventException(String stage, String message) {
    super(message);
    this.stage = stage;
  }

  public EventException(String stage, String message, Throwable cause) {
    super(message, cause);
    this.stage = stage;
  }

  public String stage() {
    return stage;
  }
}
