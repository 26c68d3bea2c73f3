package io.igstream.app.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class OrphanBrokerTest {

  private static final Pattern STARTED = Pattern.compile("broker-pid=(\\d+) data=(.+)");

  @Test
  void aBrokerWhoseParentIsKilledStopsOnItsOwn() throws Exception {
    List<String> command =
        JavaCommand.fromCurrentJvm(List.of("-Xmx256m"))
            .run(BrokerOwnerMain.class.getName(), List.of());
    Process owner = new ProcessBuilder(command).redirectErrorStream(true).start();
    long brokerPid;
    Path data;
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(owner.getInputStream(), StandardCharsets.UTF_8))) {
      Matcher started = awaitStartLine(out);
      brokerPid = Long.parseLong(started.group(1));
      data = Path.of(started.group(2));

      owner.destroyForcibly().waitFor(); // SIGKILL: no shutdown hook runs in the owner
    }

    try {
      assertThat(ProcessHandle.of(brokerPid)).isPresent();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> ProcessHandle.of(brokerPid).filter(ProcessHandle::isAlive).isEmpty());
    } finally {
      ProcessHandle.of(brokerPid).ifPresent(ProcessHandle::destroyForcibly);
      // Nobody was left to delete the data: a killed owner cannot, which is why it lives in tmp.
      DataDirectory.deleteRecursively(data);
    }
  }

  private static Matcher awaitStartLine(BufferedReader out) throws Exception {
    StringBuilder seen = new StringBuilder();
    String line;
    while ((line = out.readLine()) != null) {
      Matcher matcher = STARTED.matcher(line);
      if (matcher.find()) {
        return matcher;
      }
      seen.append(line).append('\n');
    }
    throw new AssertionError("the owner JVM exited before starting its broker:\n" + seen);
  }
}
