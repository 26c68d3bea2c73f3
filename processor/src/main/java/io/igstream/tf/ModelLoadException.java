package io.igstream.tf;

/** A model could not be loaded or was refused by the load check; the message says why. */
public class ModelLoadException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public ModelLoadException(String message) {
    super(message);
  }

  public ModelLoadException(String message, Throwable cause) {
    super(message, cause);
  }
}
