package io.igstream.app.broker;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code server.properties} of a one-node KRaft cluster whose single process is both broker and
 * controller, listening on localhost only.
 */
record CombinedNodeConfig(
    int brokerPort, int controllerPort, Path logDirectory, Map<String, String> extraProperties) {

  static final int NODE_ID = 1;
  private static final Pattern PORT = Pattern.compile("(PLAINTEXT|CONTROLLER)://localhost:(\\d+)");

  CombinedNodeConfig {
    extraProperties = Map.copyOf(extraProperties);
  }

  /** The client port and the controller (KRaft quorum) port of the node. */
  record Ports(int broker, int controller) {}

  CombinedNodeConfig(Ports ports, Path logDirectory, Map<String, String> extraProperties) {
    this(ports.broker(), ports.controller(), logDirectory, extraProperties);
  }

  String bootstrapServers() {
    return "localhost:" + brokerPort;
  }

  Properties toProperties() {
    Map<String, String> props = new TreeMap<>();
    props.put("process.roles", "broker,controller");
    props.put("node.id", Integer.toString(NODE_ID));
    props.put("controller.quorum.bootstrap.servers", "localhost:" + controllerPort);
    props.put(
        "listeners",
        "PLAINTEXT://localhost:" + brokerPort + ",CONTROLLER://localhost:" + controllerPort);
    props.put("advertised.listeners", "PLAINTEXT://localhost:" + brokerPort);
    props.put("controller.listener.names", "CONTROLLER");
    props.put("inter.broker.listener.name", "PLAINTEXT");
    props.put("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT");
    props.put("log.dirs", logDirectory.toString());
    props.putAll(SingleNodeSettings.brokerProperties());
    props.putAll(extraProperties);
    Properties properties = new Properties();
    properties.putAll(props);
    return properties;
  }

  void write(Path file) {
    try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      toProperties().store(out, "single-node KRaft broker written by igstream");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  /**
   * The broker and controller ports a previous broker wrote to {@code file}, so that a restart on
   * the same data keeps the controller address its metadata log recorded.
   */
  static Optional<Ports> previousPorts(Path file) {
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    Properties previous = new Properties();
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      previous.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    int broker = 0;
    int controller = 0;
    Matcher matcher = PORT.matcher(previous.getProperty("listeners", ""));
    while (matcher.find()) {
      int port = Integer.parseInt(matcher.group(2));
      if (matcher.group(1).equals("PLAINTEXT")) {
        broker = port;
      } else {
        controller = port;
      }
    }
    return broker > 0 && controller > 0
        ? Optional.of(new Ports(broker, controller))
        : Optional.empty();
  }
}
