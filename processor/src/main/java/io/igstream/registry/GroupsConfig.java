package io.igstream.registry;

import com.fasterxml.jackson.databind.JsonNode;
import io.igstream.event.FeatureGroups;
import io.igstream.event.JsonArrays;
import io.igstream.event.Records;
import io.igstream.ig.DenseArray;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds {@link FeatureGroups} from a model config: {@code groups} (tabular, by feature name) and
 * each input's {@code superpixels} mask (images). Refusals name the config key at fault.
 */
final class GroupsConfig {

  private GroupsConfig() {}

  static FeatureGroups build(
      ModelConfig config, Path directory, Map<String, Records.InputPresentation> presentation) {
    List<FeatureGroups.Group> groups = new ArrayList<>();
    Map<FeatureGroups.Member, String> taken = new HashMap<>();
    if (config.groups() != null) {
      Map<String, FeatureGroups.Member> byName = featuresByName(presentation);
      for (Map.Entry<String, List<String>> entry : config.groups().entrySet()) {
        String key = "groups." + entry.getKey();
        if (entry.getValue() == null || entry.getValue().isEmpty()) {
          throw new IllegalArgumentException(key + ": a group needs at least one feature");
        }
        List<FeatureGroups.Member> members = new ArrayList<>();
        for (String feature : entry.getValue()) {
          FeatureGroups.Member member = byName.get(feature);
          if (member == null) {
            throw new IllegalArgumentException(
                key
                    + ": unknown feature '"
                    + feature
                    + "' (groups list names from the inputs' feature_names)");
          }
          claim(taken, member, entry.getKey(), key, feature);
          members.add(member);
        }
        groups.add(new FeatureGroups.Group(entry.getKey(), members, false));
      }
    }
    if (config.inputs() != null) {
      for (Map.Entry<String, ModelConfig.InputConfig> entry : config.inputs().entrySet()) {
        JsonNode mask = entry.getValue() == null ? null : entry.getValue().superpixels();
        if (mask == null || mask.isNull()) {
          continue;
        }
        String key = "inputs." + entry.getKey() + ".superpixels";
        Records.InputPresentation how = presentation.get(entry.getKey());
        if (how == null) {
          throw new IllegalArgumentException(key + ": '" + entry.getKey() + "' is not attributed");
        }
        DenseArray ids =
            mask.isTextual() ? readMask(directory, mask.asText(), key) : read(mask, key);
        for (FeatureGroups.Group group : superpixels(entry.getKey(), how.inputShape(), ids, key)) {
          if (config.groups() != null && config.groups().containsKey(group.name())) {
            throw new IllegalArgumentException(
                key + ": superpixel group '" + group.name() + "' clashes with a named group");
          }
          groups.add(group);
        }
      }
    }
    return groups.isEmpty() ? FeatureGroups.NONE : new FeatureGroups(groups);
  }

  /** Overlapping groups are refused: a sum per group would then count a feature twice. */
  private static void claim(
      Map<FeatureGroups.Member, String> taken,
      FeatureGroups.Member member,
      String group,
      String key,
      String feature) {
    String previous = taken.putIfAbsent(member, group);
    if (previous != null) {
      throw new IllegalArgumentException(
          key
              + ": feature '"
              + feature
              + "' is already in group '"
              + previous
              + "' (groups must not overlap)");
    }
  }

  private static Map<String, FeatureGroups.Member> featuresByName(
      Map<String, Records.InputPresentation> presentation) {
    Map<String, FeatureGroups.Member> out = new LinkedHashMap<>();
    for (Records.InputPresentation how : presentation.values()) {
      if (how.featureNames() == null) {
        continue;
      }
      for (int i = 0; i < how.featureNames().size(); i++) {
        out.putIfAbsent(how.featureNames().get(i), new FeatureGroups.Member(how.input(), i));
      }
    }
    return out;
  }

  /**
   * One group per mask id, named {@code <input>:<id>}, in increasing id order. A mask shaped like
   * the input without its last (channel) axis covers every channel of its pixels.
   */
  private static List<FeatureGroups.Group> superpixels(
      String input, long[] inputShape, DenseArray ids, String key) {
    long[] maskShape = ids.shape();
    boolean full = Arrays.equals(maskShape, inputShape);
    boolean perPixel =
        inputShape.length >= 2
            && Arrays.equals(maskShape, Arrays.copyOf(inputShape, inputShape.length - 1));
    if (!full && !perPixel) {
      throw new IllegalArgumentException(
          key
              + ": mask shape "
              + Arrays.toString(maskShape)
              + " fits neither the input shape "
              + Arrays.toString(inputShape)
              + " nor that shape without its channel axis");
    }
    int channels = full ? 1 : Math.toIntExact(inputShape[inputShape.length - 1]);
    TreeMap<Long, List<FeatureGroups.Member>> byId = new TreeMap<>();
    double[] values = ids.values();
    for (int p = 0; p < values.length; p++) {
      double id = values[p];
      if (id != Math.rint(id) || id < 0) {
        throw new IllegalArgumentException(
            key + ": mask entries must be non-negative integers, found " + id);
      }
      List<FeatureGroups.Member> members = byId.computeIfAbsent((long) id, k -> new ArrayList<>());
      for (int c = 0; c < channels; c++) {
        members.add(new FeatureGroups.Member(input, p * channels + c));
      }
    }
    List<FeatureGroups.Group> out = new ArrayList<>();
    byId.forEach(
        (id, members) -> out.add(new FeatureGroups.Group(input + ":" + id, members, true)));
    return out;
  }

  /**
   * Reads a mask file named by the config, looked up in the version directory and then the model
   * directory; a path that leaves the model directory is refused (also through symbolic links).
   */
  private static DenseArray readMask(Path directory, String name, String key) {
    Path versionDir = directory.toAbsolutePath().normalize();
    Path modelDir = versionDir.getParent() == null ? versionDir : versionDir.getParent();
    if (Path.of(name).isAbsolute()) {
      throw new IllegalArgumentException(
          key + ": '" + name + "' must be a path relative to the model directory");
    }
    for (Path base : List.of(versionDir, modelDir)) {
      Path file = base.resolve(name).normalize();
      if (!file.startsWith(modelDir)) {
        throw new IllegalArgumentException(
            key + ": '" + name + "' leaves the model directory " + modelDir);
      }
      if (!Files.isRegularFile(file)) {
        continue;
      }
      try {
        if (!file.toRealPath().startsWith(modelDir.toRealPath())) {
          throw new IllegalArgumentException(
              key + ": '" + name + "' leaves the model directory " + modelDir);
        }
        return read(ModelConfig.mapper().readTree(file.toFile()), key);
      } catch (IOException e) {
        throw new IllegalArgumentException(
            key + ": cannot read " + file + ": " + e.getMessage(), e);
      }
    }
    throw new IllegalArgumentException(
        key + ": no file '" + name + "' in " + versionDir + " or " + modelDir);
  }

  private static DenseArray read(JsonNode mask, String key) {
    try {
      return JsonArrays.read(mask);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          key + ": a mask must be a nested array of group ids: " + e.getMessage(), e);
    }
  }
}
