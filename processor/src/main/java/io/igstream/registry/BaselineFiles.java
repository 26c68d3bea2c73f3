package io.igstream.registry;

import io.igstream.drift.Baseline;
import io.igstream.drift.DriftPolicy;
import io.igstream.event.EventParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds baselines and drift policies in the model root: {@code <root>/<model>/<version>/} first,
 * then {@code <root>/<model>/} (one baseline for every version of a model, whose attribution skew
 * then shows how a new version differs from the one it was made with). Files are re-read when they
 * change, so a new baseline is picked up without a restart; names are checked and paths stay under
 * the root.
 */
public final class BaselineFiles {

  private static final Logger LOG = LoggerFactory.getLogger(BaselineFiles.class);

  private final Path root;
  private final Map<Path, Cached<Optional<Baseline>>> baselines = new ConcurrentHashMap<>();
  private final Map<Path, Cached<DriftPolicy>> policies = new ConcurrentHashMap<>();

  private final DriftPolicy defaults;

  /** Baselines under a root; {@code defaults} is the policy of models whose config has none. */
  public BaselineFiles(Path root, DriftPolicy defaults) {
    this.defaults = defaults;
    try {
      this.root = root.toRealPath();
    } catch (IOException e) {
      throw new IllegalArgumentException("the model root " + root + " does not exist", e);
    }
  }

  private record Cached<T>(String fingerprint, T value) {}

  /** A found baseline and its scope: {@code version} or {@code model}. */
  public record Found(Baseline baseline, String scope) {}

  public Optional<Found> baseline(String model, String version) {
    if (!valid(model) || !valid(version)) {
      return Optional.empty();
    }
    Path versionFile = root.resolve(model).resolve(version).resolve(Baseline.FILE_NAME);
    Optional<Baseline> own = read(versionFile);
    if (own.isPresent()) {
      return Optional.of(new Found(own.get(), "version"));
    }
    return read(root.resolve(model).resolve(Baseline.FILE_NAME)).map(b -> new Found(b, "model"));
  }

  /** The model's drift policy: defaults with its config's {@code drift} section on top. */
  public DriftPolicy policy(String model) {
    if (!valid(model)) {
      return defaults;
    }
    Path file = root.resolve(model).resolve(ModelConfig.FILE_NAME);
    String fingerprint = fingerprint(file);
    Cached<DriftPolicy> cached = policies.get(file);
    if (cached != null && cached.fingerprint().equals(fingerprint)) {
      return cached.value();
    }
    DriftPolicy policy = defaults;
    if (inside(file)) {
      try {
        policy = policy.with(ModelConfig.read(file).drift());
      } catch (IllegalArgumentException e) {
        LOG.warn(
            "drift policy unreadable model={} using=defaults reason={}", model, e.getMessage());
      }
    }
    policies.put(file, new Cached<>(fingerprint, policy));
    return policy;
  }

  private Optional<Baseline> read(Path file) {
    String fingerprint = fingerprint(file);
    Cached<Optional<Baseline>> cached = baselines.get(file);
    if (cached != null && cached.fingerprint().equals(fingerprint)) {
      return cached.value();
    }
    Optional<Baseline> value = Optional.empty();
    if (inside(file)) {
      try {
        value = Optional.of(Baseline.read(file));
        LOG.info(
            "baseline loaded file={} sample_size={}",
            root.relativize(file),
            value.get().state().events());
      } catch (IllegalArgumentException e) {
        LOG.warn("baseline unreadable file={} reason={}", root.relativize(file), e.getMessage());
      }
    }
    baselines.put(file, new Cached<>(fingerprint, value));
    return value;
  }

  /** The file exists and, symbolic links resolved, lies under the root. */
  private boolean inside(Path file) {
    try {
      return Files.isRegularFile(file) && file.toRealPath().startsWith(root);
    } catch (IOException e) {
      return false;
    }
  }

  private static String fingerprint(Path file) {
    try {
      return Files.getLastModifiedTime(file).toMillis() + ":" + Files.size(file);
    } catch (IOException e) {
      return "absent";
    }
  }

  private static boolean valid(String name) {
    return name != null && EventParser.NAME.matcher(name).matches();
  }
}
