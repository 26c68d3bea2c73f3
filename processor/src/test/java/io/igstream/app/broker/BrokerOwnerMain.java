package io.igstream.app.broker;

/**
 * A stand-in for {@code igstream demo} in a JVM of its own: starts a child broker, says where it is
 * on stdout, then waits to be killed.
 */
public final class BrokerOwnerMain {

  private BrokerOwnerMain() {}

  public static void main(String[] args) throws InterruptedException {
    ChildProcessBroker broker = ChildProcessBroker.start();
    System.out.println("broker-pid=" + broker.pid() + " data=" + broker.dataDirectory());
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
