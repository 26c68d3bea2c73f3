package io.igstream.app.broker;

import java.lang.reflect.InvocationTargetException;
import java.util.concurrent.TimeUnit;

/**
 * Entry point of the broker's child JVM: formats the storage, runs Kafka's own {@code kafka.Kafka},
 * and stops it when the JVM that started it dies, so even a SIGKILLed parent leaves no orphan.
 */
public final class ChildBrokerMain {

  /** How long Kafka's own shutdown may take once the parent is gone before the JVM halts. */
  private static final long SHUTDOWN_LIMIT_SECONDS = 20;

  private ChildBrokerMain() {}

  /** {@code <parent pid> <server.properties> <cluster id>}. */
  public static void main(String[] args) throws Exception {
    if (args.length != 3) {
      throw new IllegalArgumentException(
          "usage: ChildBrokerMain <parent pid> <server.properties> <cluster id>; it is started by"
              + " ChildProcessBroker, not by hand");
    }
    watchParent(Long.parseLong(args[0]));
    int formatted = KraftStorage.format(args[1], args[2]);
    if (formatted != 0) {
      System.exit(formatted);
    }
    try {
      // Reflection because kafka_2.13 is a runtime-only dependency of the processor.
      Class.forName("kafka.Kafka")
          .getMethod("main", String[].class)
          .invoke(null, (Object) new String[] {args[1]});
    } catch (InvocationTargetException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }

  private static void watchParent(long parentPid) {
    ProcessHandle.of(parentPid)
        .ifPresentOrElse(
            parent ->
                parent
                    .onExit()
                    .thenRun(
                        () -> {
                          haltLater();
                          // exit runs Kafka's shutdown hook: a clean stop, as on SIGTERM.
                          System.exit(0);
                        }),
            () -> Runtime.getRuntime().halt(1));
  }

  private static void haltLater() {
    Thread halter =
        new Thread(
            () -> {
              try {
                TimeUnit.SECONDS.sleep(SHUTDOWN_LIMIT_SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              Runtime.getRuntime().halt(1);
            },
            "broker-halt-after-parent-exit");
    halter.setDaemon(true);
    halter.start();
  }
}
