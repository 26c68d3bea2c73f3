package io.igstream.app.broker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Finds a TCP port on the loopback interface that nothing listens on right now. */
final class FreePorts {

  private FreePorts() {}

  /**
   * A port the operating system just handed out; another process could take it before the broker
   * binds it, but ephemeral ports are assigned round-robin, so that is rare.
   */
  static int pick() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot find a free port on localhost", e);
    }
  }
}
