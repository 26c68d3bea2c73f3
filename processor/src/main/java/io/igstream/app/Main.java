package io.igstream.app;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code igstream} command line. */
@Command(
    name = "igstream",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description =
        "Explains production predictions as they happen with Integrated Gradients, on a Kafka stream.",
    subcommands = {
      ExplainCommand.class,
      BaselineCommand.class,
      InspectModelCommand.class,
      RunCommand.class,
      DemoCommand.class,
      BenchmarkCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {

  @CommandLine.Spec private CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    // A bare `igstream` shows what it can do rather than failing silently.
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Builds the command line; tests use it to run commands in-process. */
  public static CommandLine commandLine() {
    return new CommandLine(new Main())
        .setCaseInsensitiveEnumValuesAllowed(true)
        .setExecutionExceptionHandler(
            (exception, commandLine, parseResult) -> {
              // Users get the cause in one line; IGSTREAM_DEBUG=1 shows the stack for bug reports.
              commandLine
                  .getErr()
                  .println("igstream " + commandLine.getCommandName() + ": " + describe(exception));
              if (System.getenv("IGSTREAM_DEBUG") != null) {
                exception.printStackTrace(commandLine.getErr());
              }
              commandLine.getErr().flush();
              return 1;
            });
  }

  private static String describe(Throwable exception) {
    if (exception instanceof java.nio.file.NoSuchFileException missing) {
      return "no such file: " + missing.getFile();
    }
    return exception.getMessage() == null ? exception.toString() : exception.getMessage();
  }

  /**
   * JavaCPP (under TensorFlow Java) reads the process's resident size from /proc at every native
   * allocation when this limit is set, which it is by default: about 20 us of each TensorFlow run
   * on small models (see README, Throughput). Read once, before the first TensorFlow class loads; a
   * value given with -D wins.
   */
  static final String JAVACPP_MAX_PHYSICAL_BYTES = "org.bytedeco.javacpp.maxPhysicalBytes";

  public static void main(String[] args) {
    if (System.getProperty(JAVACPP_MAX_PHYSICAL_BYTES) == null) {
      System.setProperty(JAVACPP_MAX_PHYSICAL_BYTES, "0");
    }
    System.exit(commandLine().execute(args));
  }
}
