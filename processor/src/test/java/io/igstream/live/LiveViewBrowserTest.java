package io.igstream.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.igstream.app.AppConfig;
import io.igstream.app.RunCommand;
import io.igstream.app.broker.KafkaBroker;
import io.igstream.testing.Fixtures;
import io.igstream.testing.ModelRoots;
import io.igstream.testing.TestBrokers;
import io.igstream.testing.TestClients;
import java.io.BufferedReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.logging.Level;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;

/**
 * The live view as a person sees it: Debian's Chromium, driven headless through its chromedriver,
 * opens {@code /view} of a real processor on a real broker while diabetes and digits_cnn events
 * flow. Every number the page shows is compared with the records a read_committed consumer reads
 * from the output topics (attributions, dead letters, summaries, alerts), never with the page's own
 * output; an event id made of HTML must stay text; an image event's heatmap must be drawn.
 * Screenshots at 1280x900 and 2560x1440 go to {@code target/live-view/}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LiveViewBrowserTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final long WINDOW_MS = 10_000;
  private static final int MIN_EVENTS = 40;
  private static final int DIABETES_PER_WINDOW = 60;
  private static final int DIGITS_PER_WINDOW = 8;
  private static final String HOSTILE_ID = "<script>window.__pwned=1</script>x";
  private static final Path ARTIFACTS = Path.of("target/live-view");

  @TempDir static Path work;
  private static KafkaBroker broker;
  private static AutoCloseable running;
  private static int port;
  private static AppConfig config;
  private static ChromeDriver driver;
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final List<String> sentIds = new ArrayList<>();

  /** What a read_committed consumer has read from the output topics so far. */
  private static final List<JsonNode> attributions = new ArrayList<>();

  private static final List<JsonNode> deadLetters = new ArrayList<>();
  private static final List<JsonNode> summaries = new ArrayList<>();
  private static final List<JsonNode> alerts = new ArrayList<>();
  private static KafkaConsumer<String, String> outputs;

  @BeforeAll
  static void start() throws Exception {
    assumeTrue(
        Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "skipped: the browser test needs Debian's chromium and chromium-driver"
            + " (/usr/bin/chromium, /usr/bin/chromedriver): apt-get install chromium chromium-driver");
    broker = TestBrokers.start();
    Path models = work.resolve("models");
    // diabetes carries its training baseline, so a shifted window raises a skew alert.
    ModelRoots.deploy(models, "diabetes", "1", "diabetes", "1");
    ModelRoots.deploy(models, "digits_cnn", "1", "digits_cnn", "1");
    String run = "live-" + UUID.randomUUID().toString().substring(0, 6);
    Map<String, String> env = new LinkedHashMap<>();
    for (String topic :
        List.of(
            "input:predictions",
            "attributions:attributions",
            "dead_letters:dead-letters",
            "batches:batches",
            "summary_partials:summary-partials",
            "summaries:summaries",
            "alerts:alerts")) {
      String[] kv = topic.split(":");
      env.put("IGSTREAM_TOPICS_" + kv[0].toUpperCase(), run + "." + kv[1]);
    }
    env.put("IGSTREAM_HTTP_PORT", "0");
    env.put("IGSTREAM_BATCH_SIZE", "10");
    env.put("IGSTREAM_BATCH_MAX_WAIT_MS", "300");
    // One shard and partition: a window closes as soon as its one shard passes it.
    env.put("IGSTREAM_BATCH_SHARDS", "1");
    env.put("IGSTREAM_TOPICS_PARTITIONS", "1");
    env.put("IGSTREAM_SUMMARIES_WINDOW_MS", String.valueOf(WINDOW_MS));
    env.put("IGSTREAM_SUMMARIES_GRACE_MS", "1000");
    env.put("IGSTREAM_SUMMARIES_MERGE_WAIT_MS", "2000");
    env.put("IGSTREAM_SUMMARIES_MIN_EVENTS", String.valueOf(MIN_EVENTS));
    env.put("IGSTREAM_KAFKA_STATE_DIR", work.resolve("state").toString());
    config = AppConfig.load(null, env).withBrokerAndModels(broker.bootstrapServers(), models, run);
    running = startProcessor(config);
    await().atMost(Duration.ofSeconds(90)).until(() -> get("/ready").statusCode() == 200);

    driver = browser();
    driver.get(url("/view"));
    eventually().until(() -> "open".equals(attr(By.id("connection"), "data-state")));

    outputs =
        TestClients.consumer(
            broker.bootstrapServers(),
            "read_committed",
            config.stream().attributionsTopic(),
            config.stream().deadLetterTopic(),
            config.summaries().summariesTopic(),
            config.summaries().alertsTopic());
    List<Map<String, Double>> rows = diabetesRows();
    List<JsonNode> images = digitsInputs();
    try (KafkaProducer<String, String> producer = TestClients.producer(broker.bootstrapServers())) {
      // Window 1: unshifted diabetes, digits, the hostile id, a wrong-shape diabetes event and
      // unreadable JSON (dead letters with and without a model version).
      alignToWindowStart();
      for (int i = 0; i < DIABETES_PER_WINDOW; i++) {
        send(producer, diabetes("d" + i, rows.get(i % rows.size()), 0));
      }
      send(producer, diabetes(HOSTILE_ID, rows.get(0), 0));
      send(
          producer,
          "{\"event_id\":\"short-1\",\"model\":\"diabetes\",\"version\":\"1\","
              + "\"features\":{\"age\":0.1}}");
      send(producer, "not json at all");
      for (int i = 0; i < DIGITS_PER_WINDOW; i++) {
        send(producer, digits("img-" + i, images.get(i % images.size())));
      }
      producer.flush();
      // Window 2: bmi + 0.1 (about two training standard deviations): skew alerts on bmi.
      alignToWindowStart();
      for (int i = 0; i < DIABETES_PER_WINDOW; i++) {
        send(producer, diabetes("s" + i, rows.get((i + 7) % rows.size()), 0.1));
      }
      for (int i = 0; i < DIGITS_PER_WINDOW; i++) {
        send(producer, digits("img2-" + i, images.get((i + 3) % images.size())));
      }
      producer.flush();
    }
    // Both diabetes windows summarised and at least one alert out: everything the page should
    // show is on the topics now.
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              drain();
              return summariesOf("diabetes").size() >= 2
                  && !alerts.isEmpty()
                  && attributions.size() + deadLetters.size() == sentIds.size() + 1;
            });
  }

  @AfterAll
  static void stop() throws Exception {
    if (driver != null) {
      driver.quit();
    }
    if (outputs != null) {
      outputs.close();
    }
    if (running != null) {
      running.close();
    }
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  @Order(1)
  void eventsArriveAndTheVersionsTableCountsWhatIsOnTheTopics() {
    // Newest events from the second window are listed (the list is live, not a snapshot).
    eventually()
        .untilAsserted(
            () ->
                assertThat(
                        driver
                            .findElements(By.cssSelector("#recent li.event[data-event-id]"))
                            .stream()
                            .map(e -> e.getAttribute("data-event-id"))
                            .toList())
                    .contains("s" + (DIABETES_PER_WINDOW - 1)));

    Map<String, Long> explained = new HashMap<>();
    for (JsonNode a : attributions) {
      explained.merge(a.path("model").asText() + "|" + a.path("version").asText(), 1L, Long::sum);
    }
    Map<String, Long> dead = new HashMap<>();
    for (JsonNode d : deadLetters) {
      if (d.hasNonNull("model") && d.hasNonNull("version")) {
        dead.merge(d.path("model").asText() + "|" + d.path("version").asText(), 1L, Long::sum);
      }
    }
    assertThat(explained).containsOnlyKeys("diabetes|1", "digits_cnn|1");
    assertThat(dead).as("the wrong-shape diabetes event").containsEntry("diabetes|1", 1L);

    // The page may lag one state push behind the topics: wait for it to catch up, then compare.
    eventually()
        .untilAsserted(
            () -> {
              for (String key : explained.keySet()) {
                String[] mv = key.split("\\|");
                WebElement row =
                    driver.findElement(
                        By.cssSelector(
                            "#versions tr[data-model='"
                                + mv[0]
                                + "'][data-version='"
                                + mv[1]
                                + "']"));
                assertThat(number(row.findElement(By.cssSelector("td.explained")).getText()))
                    .as("explained of %s", key)
                    .isEqualTo(explained.get(key));
                assertThat(number(row.findElement(By.cssSelector("td.dead-lettered")).getText()))
                    .as("dead-lettered of %s", key)
                    .isEqualTo(dead.getOrDefault(key, 0L));
              }
            });
    assertThat(driver.findElements(By.cssSelector("#versions tr[data-model]"))).hasSize(2);
  }

  @Test
  @Order(2)
  void importanceBarsAndDriftGridShowTheSummaries() {
    selectModel("diabetes");
    List<JsonNode> diabetes = summariesOf("diabetes");
    JsonNode latest = diabetes.get(diabetes.size() - 1);

    eventually()
        .untilAsserted(
            () -> {
              List<WebElement> bars =
                  driver.findElements(By.cssSelector("#importance .bar[data-feature]"));
              assertThat(bars).hasSize(latest.path("features").size());
              for (WebElement bar : bars) {
                String feature = bar.getAttribute("data-feature");
                JsonNode f = feature(latest, feature);
                double share = f.path("attribution").path("share").asDouble();
                assertThat(bar.getText()).contains(feature);
                assertThat(percent(bar.getText()))
                    .as("share of %s in the latest window", feature)
                    .isCloseTo(share * 100, within(0.051));
              }
            });

    for (String comparison : List.of("skew", "drift")) {
      click(By.cssSelector("#grid-comparison button[data-comparison='" + comparison + "']"));
      for (String objective : List.of("value", "attribution")) {
        click(By.cssSelector("#grid-objective button[data-objective='" + objective + "']"));
        eventually().untilAsserted(() -> checkGrid(diabetes, comparison, objective));
      }
    }
    // Back to the default, for the screenshots: skew of values, where the shift is red.
    click(By.cssSelector("#grid-comparison button[data-comparison='skew']"));
    click(By.cssSelector("#grid-objective button[data-objective='value']"));
    String shifted = latest.path("window").path("start").asText();
    assertThat(
            attr(
                By.cssSelector(
                    "#drift-grid td.cell[data-feature='bmi'][data-window='" + shifted + "']"),
                "data-status"))
        .isEqualTo("ALERT");
  }

  /**
   * Every summarised window of the version is a column, and each cell says what its record says.
   */
  private static void checkGrid(List<JsonNode> windows, String comparison, String objective) {
    List<WebElement> cells = driver.findElements(By.cssSelector("#drift-grid td.cell"));
    Map<String, JsonNode> byStart = new HashMap<>();
    windows.forEach(w -> byStart.put(w.path("window").path("start").asText(), w));
    int compared = 0;
    for (WebElement cell : cells) {
      JsonNode summary = byStart.get(cell.getAttribute("data-window"));
      if (summary == null) {
        continue; // a window the test's consumer has not read yet: judged once it has
      }
      JsonNode record = feature(summary, cell.getAttribute("data-feature"));
      JsonNode expected = record.path(comparison).path(objective);
      String where =
          comparison
              + "/"
              + objective
              + " "
              + cell.getAttribute("data-feature")
              + " @ "
              + cell.getAttribute("data-window");
      // The cell is the alerting metric (README, "What a summary holds"): l_infinity for
      // categorical values, Jensen-Shannon otherwise and for every attribution.
      String algorithm =
          objective.equals("value") && record.path("kind").asText().equals("categorical")
              ? "l_infinity"
              : "jensen_shannon";
      JsonNode metric = expected.path(algorithm);
      if (metric.path("value").isNumber()) {
        double value = metric.path("value").asDouble();
        assertThat(cell.getAttribute("data-algorithm")).as(where).isEqualTo(algorithm);
        assertThat(cell.getAttribute("data-status"))
            .as(where + " status")
            .isEqualTo(metric.path("status").asText());
        assertThat(Double.parseDouble(cell.getText()))
            .as(where + " " + algorithm)
            .isCloseTo(value, within(Math.max(0.0005, Math.abs(value) * 0.05)));
      } else {
        // No score in the record (no baseline, no previous window): its status, and no number.
        assertThat(cell.getAttribute("data-status"))
            .as(where + " status")
            .isEqualTo(expected.path("status").asText());
        assertThat(cell.getText()).as(where).isIn("", "–");
      }
      compared++;
    }
    assertThat(compared)
        .as("cells compared with summary records")
        .isEqualTo(windows.size() * windows.get(0).path("features").size());
  }

  @Test
  @Order(3)
  void theShiftIsAnAlertWithTheRecordsSentence() {
    selectModel("diabetes");
    List<JsonNode> bmi =
        alerts.stream()
            .filter(a -> a.path("model").asText().equals("diabetes"))
            .filter(a -> a.path("feature").asText().equals("bmi"))
            .filter(a -> a.path("objective").asText().equals("feature_value"))
            .toList();
    assertThat(bmi).as("the records: a bmi value skew alert").isNotEmpty();
    eventually()
        .untilAsserted(
            () -> {
              List<String> sentences =
                  driver.findElements(By.cssSelector("#alerts li.alert .sentence")).stream()
                      .map(WebElement::getText)
                      .toList();
              for (JsonNode alert : alerts) {
                if (alert.path("model").asText().equals("diabetes")) {
                  assertThat(sentences).contains(alert.path("message").asText());
                }
              }
              WebElement shown =
                  driver.findElement(By.cssSelector("#alerts li.alert[data-feature='bmi']"));
              assertThat(shown.isDisplayed()).isTrue();
              assertThat(shown.getText()).contains("bmi");
            });
  }

  @Test
  @Order(4)
  void anEventIdMadeOfHtmlIsText() {
    selectModel("diabetes");
    eventually()
        .untilAsserted(
            () -> {
              List<String> ids =
                  driver.findElements(By.cssSelector("#recent li.event .event-id")).stream()
                      .map(WebElement::getText)
                      .toList();
              assertThat(ids).contains(HOSTILE_ID);
            });
    Object pwned = ((JavascriptExecutor) driver).executeScript("return window.__pwned;");
    assertThat(pwned).as("window.__pwned").isNull();
    assertThat(driver.findElements(By.cssSelector("#recent script"))).isEmpty();
  }

  @Test
  @Order(5)
  void anImageEventShowsItsHeatmap() throws Exception {
    selectModel("digits_cnn");
    WebElement event =
        eventually()
            .until(
                () ->
                    driver
                        .findElements(By.cssSelector("#recent li.event[data-event-id^='img']"))
                        .stream()
                        .findFirst()
                        .orElse(null),
                Objects::nonNull);
    String id = event.getAttribute("data-event-id");
    event.click();
    eventually()
        .untilAsserted(
            () -> {
              WebElement canvas = driver.findElement(By.cssSelector("#detail canvas.heatmap"));
              assertThat(canvas.isDisplayed()).as("heatmap shown").isTrue();
              // Distinct colours drawn: a blank (or one-colour) canvas has at most one.
              Number colours =
                  (Number)
                      ((JavascriptExecutor) driver)
                          .executeScript(
                              "const c = arguments[0];"
                                  + "const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
                                  + "const seen = new Set();"
                                  + "for (let i = 0; i < d.length; i += 4) {"
                                  + "  if (d[i + 3] > 0) seen.add(d[i] + ',' + d[i + 1] + ',' + d[i + 2]); }"
                                  + "return seen.size;",
                              canvas);
              assertThat(colours.intValue()).as("colours on the heatmap").isGreaterThan(8);
            });
    // The detail is the record on the topic, as JSON.
    JsonNode shown = JSON.readTree(driver.findElement(By.cssSelector("#detail pre")).getText());
    JsonNode onTopic =
        attributions.stream()
            .filter(a -> a.path("event_id").asText().equals(id))
            .findFirst()
            .orElseThrow();
    // Numbers compared as numbers: JavaScript writes 0.0 as 0.
    assertThat(
            shown
                .path("record")
                .equals(
                    (a, b) ->
                        a.isNumber() && b.isNumber()
                            ? Double.compare(a.doubleValue(), b.doubleValue())
                            : a.equals(b) ? 0 : 1,
                    onTopic))
        .as("the detail's record equals the record on the topic:%n%s%n%s", shown, onTopic)
        .isTrue();
    screenshot("image-detail-1280.png", 1280, 900);
  }

  @Test
  @Order(6)
  void screenshotsAtBothWidths() throws Exception {
    selectModel("");
    eventually().until(() -> driver.findElements(By.cssSelector("#drift-grid td.cell")).size() > 0);
    for (int[] size : new int[][] {{1280, 900}, {2560, 1440}}) {
      Path file = screenshot("live-view-" + size[0] + "x" + size[1] + ".png", size[0], size[1]);
      assertThat(Files.size(file)).isPositive();
      // Nothing wider than the window: no horizontal scrolling of the page itself.
      Number overflow =
          (Number)
              ((JavascriptExecutor) driver)
                  .executeScript(
                      "return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
      assertThat(overflow.intValue())
          .as("horizontal overflow at %d px", size[0])
          .isLessThanOrEqualTo(0);
    }
  }

  @Test
  @Order(7)
  void theBrowserReportedNoErrors() {
    // Everything the console said during the whole session: a script error, a blocked inline
    // style or script (Content-Security-Policy) or a failed request would be SEVERE here.
    List<String> severe =
        driver.manage().logs().get(LogType.BROWSER).getAll().stream()
            .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
            .map(LogEntry::getMessage)
            .toList();
    assertThat(severe).as("browser console errors").isEmpty();
  }

  // ---- browser ----

  private static ChromeDriver browser() throws Exception {
    // No Selenium Manager: the system's driver and browser, nothing downloaded.
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER.toFile())
            .usingAnyFreePort()
            .build();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        // The network is closed: background fetches would only fill the log with refusals.
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--window-size=1280,900",
        "--user-data-dir=" + Files.createTempDirectory(work, "chromium"));
    return new ChromeDriver(service, options);
  }

  private static void selectModel(String model) {
    Object changed =
        ((JavascriptExecutor) driver)
            .executeScript(
                "const s = document.getElementById('model-filter');"
                    + "if (s.value === arguments[0]) return false;"
                    + "if (![...s.options].some(o => o.value === arguments[0])) return null;"
                    + "s.value = arguments[0]; s.dispatchEvent(new Event('change')); return true;",
                model);
    assertThat(changed).as("model filter has an option %s", model).isNotNull();
    if (Boolean.TRUE.equals(changed)) {
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  "open".equals(attr(By.id("connection"), "data-state"))
                      && driver.findElements(By.cssSelector("#versions tr[data-model]")).stream()
                          .allMatch(
                              r -> model.isEmpty() || r.getAttribute("data-model").equals(model)));
    }
  }

  /** The page re-renders on every push: an element found a moment ago may be gone. */
  private static ConditionFactory eventually() {
    return await()
        .atMost(Duration.ofSeconds(20))
        .ignoreException(StaleElementReferenceException.class);
  }

  private static void click(By by) {
    driver.findElement(by).click();
  }

  private static String attr(By by, String name) {
    List<WebElement> found = driver.findElements(by);
    return found.isEmpty() ? null : found.get(0).getAttribute(name);
  }

  /** A screenshot of a {@code width} x {@code height} viewport, scrolled to the top. */
  private static Path screenshot(String name, int width, int height) throws Exception {
    JavascriptExecutor js = driver;
    driver.manage().window().setSize(new Dimension(width, height));
    // The window size includes the browser's own frame: grow it by that much, so the page itself
    // gets the width and height a person's screen gives it.
    long extraHeight =
        ((Number) js.executeScript("return window.outerHeight - window.innerHeight;")).longValue();
    long extraWidth =
        ((Number) js.executeScript("return window.outerWidth - window.innerWidth;")).longValue();
    driver
        .manage()
        .window()
        .setSize(new Dimension(width + (int) extraWidth, height + (int) extraHeight));
    js.executeScript("window.scrollTo(0, 0);");
    Thread.sleep(300); // one layout pass after the resize
    Files.createDirectories(ARTIFACTS);
    Path target = ARTIFACTS.resolve(name);
    Path shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE).toPath();
    Files.copy(shot, target, StandardCopyOption.REPLACE_EXISTING);
    return target;
  }

  /** "1,234" or "1234" as a number. */
  private static long number(String text) {
    return Long.parseLong(text.replace(",", "").trim());
  }

  /** The "45.0%" in a bar's text. */
  private static double percent(String text) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("([0-9.]+)\\s*%").matcher(text);
    assertThat(m.find()).as("a percentage in %s", text).isTrue();
    return Double.parseDouble(m.group(1));
  }

  // ---- topics ----

  private static synchronized void drain() {
    for (ConsumerRecord<String, String> r : outputs.poll(Duration.ofMillis(200))) {
      JsonNode value;
      try {
        value = JSON.readTree(r.value());
      } catch (Exception e) {
        throw new AssertionError("unreadable record on " + r.topic(), e);
      }
      if (r.topic().equals(config.stream().attributionsTopic())) {
        attributions.add(value);
      } else if (r.topic().equals(config.stream().deadLetterTopic())) {
        deadLetters.add(value);
      } else if (r.topic().equals(config.summaries().summariesTopic())) {
        summaries.add(value);
      } else {
        alerts.add(value);
      }
    }
  }

  private static List<JsonNode> summariesOf(String model) {
    return summaries.stream().filter(s -> s.path("model").asText().equals(model)).toList();
  }

  private static JsonNode feature(JsonNode summary, String name) {
    for (JsonNode f : summary.path("features")) {
      if (f.path("feature").asText().equals(name)) {
        return f;
      }
    }
    throw new AssertionError("no feature " + name + " in the summary of " + summary.path("window"));
  }

  // ---- traffic ----

  /** Waits for the start of the next summary window, so that a burst falls in one window. */
  private static void alignToWindowStart() throws InterruptedException {
    long now = System.currentTimeMillis();
    Thread.sleep(WINDOW_MS - now % WINDOW_MS + 200);
  }

  private static void send(KafkaProducer<String, String> producer, String value) {
    producer.send(new ProducerRecord<>(config.stream().inputTopic(), value));
    try {
      sentIds.add(JSON.readTree(value).path("event_id").asText("?"));
    } catch (Exception e) {
      // unreadable on purpose; counted by the caller's +1
    }
  }

  private static String diabetes(String id, Map<String, Double> row, double bmiShift) {
    ObjectNode event = JSON.createObjectNode();
    event.put("event_id", id);
    event.put("model", "diabetes");
    event.put("version", "1");
    ObjectNode features = event.putObject("features");
    row.forEach((name, value) -> features.put(name, name.equals("bmi") ? value + bmiShift : value));
    return event.toString();
  }

  private static String digits(String id, JsonNode inputs) {
    ObjectNode event = JSON.createObjectNode();
    event.put("event_id", id);
    event.put("model", "digits_cnn");
    event.put("version", "1");
    event.set("inputs", inputs);
    return event.toString();
  }

  private static List<Map<String, Double>> diabetesRows() throws Exception {
    List<String> lines = Files.readAllLines(Fixtures.root().resolve("data/diabetes.test.csv"));
    String[] header = lines.get(0).split(",");
    List<Map<String, Double>> rows = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      String[] cells = line.split(",");
      Map<String, Double> row = new LinkedHashMap<>();
      for (int i = 0; i < header.length; i++) {
        if (!header[i].equals("label")) {
          row.put(header[i], Double.parseDouble(cells[i]));
        }
      }
      rows.add(row);
    }
    return rows;
  }

  private static List<JsonNode> digitsInputs() throws Exception {
    List<JsonNode> out = new ArrayList<>();
    try (BufferedReader in =
        Files.newBufferedReader(Fixtures.root().resolve("data/digits_cnn.test.jsonl"))) {
      String line;
      while ((line = in.readLine()) != null && out.size() < 20) {
        out.add(JSON.readTree(line).path("inputs"));
      }
    }
    return out;
  }

  // ---- the processor ----

  private static AutoCloseable startProcessor(AppConfig config) throws Exception {
    RunCommand.Running processor = RunCommand.Running.start(config);
    port = processor.httpPort();
    return processor;
  }

  private static String url(String path) {
    return "http://localhost:" + port + path;
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(url(path))).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
