package io.igstream.registry;

import io.igstream.event.EventParser;
import io.igstream.tf.ModelLoadException;
import io.igstream.tf.ModelLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Model versions on disk, laid out as {@code <root>/<model>/<version>/} (TF Serving's convention)
 * with an optional {@code <root>/<model>/igstream-model.json}. Versions load lazily on first use
 * and live in a bounded cache; a version that failed to load is retried only when its directory
 * changes. Names come from events, so they are validated and the resolved path must stay under the
 * root, symbolic links included.
 */
public final class ModelRepository implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ModelRepository.class);

  private final Path root;
  private final ModelLoader loader;
  private final int capacity;
  private final Map<String, Entry> loaded = new LinkedHashMap<>(16, 0.75f, true);
  private final Map<String, Refusal> refused = new LinkedHashMap<>();
  private final Map<String, Object> loadLocks = new java.util.concurrent.ConcurrentHashMap<>();
  private final Set<String> modelsLoaded = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private final GradientRows gradientRows;

  public ModelRepository(Path root, ModelLoader loader, int capacity) {
    this(root, loader, capacity, GradientRows.NONE);
  }

  /** A repository that reports the gradient rows its models compute to {@code gradientRows}. */
  public ModelRepository(Path root, ModelLoader loader, int capacity, GradientRows gradientRows) {
    try {
      this.root = root.toRealPath();
    } catch (IOException e) {
      throw new IllegalArgumentException("the model root " + root + " does not exist", e);
    }
    this.loader = loader;
    this.capacity = Math.max(1, capacity);
    this.gradientRows = gradientRows;
  }

  public Path root() {
    return root;
  }

  /** Why a model version cannot be used; carries what to do about it. */
  public static final class UnavailableModelException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UnavailableModelException(String message) {
      super(message);
    }
  }

  /**
   * A loaded version, held open until the lease is closed even if the cache evicts it meanwhile.
   */
  public final class Lease implements AutoCloseable {
    private final Entry entry;
    private boolean closed;

    private Lease(Entry entry) {
      this.entry = entry;
    }

    public ModelExplainer explainer() {
      return entry.explainer;
    }

    @Override
    public void close() {
      if (!closed) {
        closed = true;
        entry.release();
      }
    }
  }

  /**
   * Leases a model version, loading it if needed.
   *
   * @throws UnavailableModelException when the names are invalid, the directory is missing, or the
   *     model was refused; the message says why and what to do
   */
  public Lease lease(String model, String version) {
    Path dir = resolve(model, version);
    String key = model + "/" + version;
    Lease cached = cachedLease(key);
    if (cached != null) {
      return cached;
    }
    // Loading takes a second or more: hold only this version's lock meanwhile, so that events of
    // other, loaded versions keep flowing on other threads.
    synchronized (loadLocks.computeIfAbsent(key, k -> new Object())) {
      cached = cachedLease(key);
      if (cached != null) {
        return cached;
      }
      String fingerprint = fingerprint(dir);
      Refusal refusal;
      synchronized (this) {
        refusal = refused.get(key);
      }
      if (refusal != null && refusal.fingerprint.equals(fingerprint)) {
        throw new UnavailableModelException(refusal.reason);
      }
      ModelExplainer explainer;
      long started = System.nanoTime();
      try {
        explainer =
            ModelExplainer.load(
                model,
                version,
                dir,
                config(model),
                loader,
                rows -> gradientRows.computed(model, rows));
      } catch (ModelLoadException | IllegalArgumentException e) {
        String reason =
            "model "
                + model
                + " version "
                + version
                + " was refused: "
                + e.getMessage()
                + " (fix the model directory "
                + dir
                + "; it is retried when the directory changes)";
        synchronized (this) {
          refused.put(key, new Refusal(fingerprint, reason));
        }
        LOG.warn("model refused model={} version={} reason={}", model, version, e.getMessage());
        throw new UnavailableModelException(reason);
      }
      long loadMs = (System.nanoTime() - started) / 1_000_000;
      LOG.info(
          "model loaded model={} version={} route={} devices={} ms={}",
          model,
          version,
          explainer.tfModel().route().externalName(),
          devices(explainer),
          loadMs);
      modelsLoaded.add(model);
      synchronized (this) {
        refused.remove(key);
        Entry entry = new Entry(explainer);
        loaded.put(key, entry);
        entry.acquire();
        evictBeyondCapacity();
        return new Lease(entry);
      }
    }
  }

  /** Where the model's graph runs; the log says so rather than failing a model that loaded. */
  private static String devices(ModelExplainer explainer) {
    try {
      return explainer.tfModel().devices().toString();
    } catch (RuntimeException e) {
      return "unknown (the traced run failed: " + e.getMessage() + ")";
    }
  }

  private synchronized Lease cachedLease(String key) {
    Entry entry = loaded.get(key);
    if (entry == null) {
      return null;
    }
    entry.acquire();
    return new Lease(entry);
  }

  /** Model versions held loaded now. */
  public synchronized int loadedCount() {
    return loaded.size();
  }

  /**
   * Whether a version of this model has loaded since start: such names exist under the root, so
   * they may label metrics without letting names from events grow them.
   */
  public boolean hasLoaded(String model) {
    return modelsLoaded.contains(model);
  }

  /** Version directories of a model that exist now, sorted. */
  public List<String> versions(String model) {
    Path dir = resolveModel(model);
    List<String> out = new ArrayList<>();
    try (Stream<Path> children = Files.list(dir)) {
      children
          .filter(Files::isDirectory)
          .map(p -> p.getFileName().toString())
          .filter(n -> EventParser.NAME.matcher(n).matches())
          .sorted()
          .forEach(out::add);
    } catch (IOException e) {
      return List.of();
    }
    return out;
  }

  private ModelConfig config(String model) {
    Path file = resolveModel(model).resolve(ModelConfig.FILE_NAME);
    return Files.isRegularFile(file) ? ModelConfig.read(file) : ModelConfig.defaults();
  }

  private Path resolveModel(String model) {
    checkName("model", model);
    return root.resolve(model);
  }

  /** The version directory, or an exception; never a path outside the root. */
  Path resolve(String model, String version) {
    checkName("model", model);
    checkName("version", version);
    Path dir = root.resolve(model).resolve(version).normalize();
    if (!dir.startsWith(root) || !Files.isDirectory(dir)) {
      throw new UnavailableModelException(
          "no model version directory "
              + model
              + "/"
              + version
              + " under the model root "
              + root
              + "; deploy it there as <model>/<version>/saved_model.pb");
    }
    try {
      // A symbolic link inside the root must not lead outside it.
      Path real = dir.toRealPath();
      if (!real.startsWith(root)) {
        throw new UnavailableModelException(
            "model directory " + model + "/" + version + " leads outside the model root");
      }
      return real;
    } catch (IOException e) {
      throw new UnavailableModelException(
          "cannot read model directory " + dir + ": " + e.getMessage());
    }
  }

  private static void checkName(String what, String name) {
    if (name == null || !EventParser.NAME.matcher(name).matches()) {
      throw new UnavailableModelException(
          "invalid " + what + " name '" + name + "': use letters, digits, '_', '.', '-'");
    }
  }

  /** Changes whenever the version directory, its graph, variables or the model config change. */
  private String fingerprint(Path dir) {
    StringBuilder out = new StringBuilder();
    for (Path p :
        new Path[] {
          dir,
          dir.resolve("saved_model.pb"),
          dir.resolve("variables"),
          dir.resolve("variables/variables.index"),
          dir.getParent().resolve(ModelConfig.FILE_NAME)
        }) {
      try {
        out.append(Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toMillis())
            .append(':')
            .append(Files.isRegularFile(p) ? Files.size(p) : 0)
            .append(';');
      } catch (IOException e) {
        out.append("-;");
      }
    }
    return out.toString();
  }

  private void evictBeyondCapacity() {
    Iterator<Map.Entry<String, Entry>> it = loaded.entrySet().iterator();
    while (loaded.size() > capacity && it.hasNext()) {
      Map.Entry<String, Entry> eldest = it.next();
      it.remove();
      LOG.info("model evicted key={}", eldest.getKey());
      eldest.getValue().retire();
    }
  }

  @Override
  public synchronized void close() {
    for (Entry entry : loaded.values()) {
      entry.retire();
    }
    loaded.clear();
  }

  private record Refusal(String fingerprint, String reason) {}

  /** A loaded explainer with a count of leases; closed once retired and no lease is out. */
  private static final class Entry {
    private final ModelExplainer explainer;
    private final AtomicInteger leases = new AtomicInteger();
    private volatile boolean retired;

    Entry(ModelExplainer explainer) {
      this.explainer = explainer;
    }

    void acquire() {
      leases.incrementAndGet();
    }

    synchronized void release() {
      if (leases.decrementAndGet() == 0 && retired) {
        explainer.close();
      }
    }

    synchronized void retire() {
      retired = true;
      if (leases.get() == 0) {
        explainer.close();
      }
    }
  }
}
