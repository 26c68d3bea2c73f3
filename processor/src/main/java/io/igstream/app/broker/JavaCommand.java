package io.igstream.app.broker;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@code java} command line that runs a main class in a new JVM on this JVM's own classpath, so
 * the child needs nothing that is not already here.
 */
record JavaCommand(String classpath, List<String> jvmOptions) {

  JavaCommand {
    if (classpath == null || classpath.isBlank()) {
      throw new IllegalStateException(
          "java.class.path is empty; start igstream with its jar or classpath so the broker can"
              + " be launched from it");
    }
    jvmOptions = List.copyOf(jvmOptions);
  }

  /** The running JVM's classpath with the given options. */
  static JavaCommand fromCurrentJvm(List<String> jvmOptions) {
    return new JavaCommand(System.getProperty("java.class.path"), jvmOptions);
  }

  List<String> run(String mainClass, List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(classpath);
    command.add(mainClass);
    command.addAll(args);
    return command;
  }
}
