package io.igstream.event;

import io.igstream.ig.DenseArray;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Named groups of features, reported summed: a tabular group lists features by name (one-hot
 * columns, the axes of one sensor), a superpixel group holds the pixels of one mask id. A feature
 * belongs to at most one group.
 *
 * <p>A group's attribution is the sum of its members' attributions (in input shape), added in
 * member order starting from 0.0: the order the config lists a tabular group's features, and
 * row-major element order for a superpixel. Its value is the sum of the members' values for a
 * tabular group and their mean for a superpixel.
 */
public record FeatureGroups(List<Group> groups) {

  /** No groups: records and summaries are exactly as without the feature. */
  public static final FeatureGroups NONE = new FeatureGroups(List.of());

  /** One element of an input (flat index into the input-shaped array). */
  public record Member(String input, int index) {}

  /** A named group; {@code superpixel} groups are image regions, whose value is a mean. */
  public record Group(String name, List<Member> members, boolean superpixel) {
    public Group {
      members = List.copyOf(members);
    }
  }

  public FeatureGroups {
    groups = List.copyOf(groups);
  }

  public boolean isEmpty() {
    return groups.isEmpty();
  }

  /** Group name to the sum of its members' attributions, given attributions in input shape. */
  public Map<String, Double> attributions(Map<String, DenseArray> inInputShape) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (Group group : groups) {
      double sum = 0.0;
      for (Member member : group.members()) {
        sum += inInputShape.get(member.input()).values()[member.index()];
      }
      out.put(group.name(), sum);
    }
    return out;
  }

  /** Group name to its value in the instance: sum of members, or their mean for a superpixel. */
  public Map<String, Double> values(Map<String, DenseArray> instance) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (Group group : groups) {
      double sum = 0.0;
      for (Member member : group.members()) {
        DenseArray x = instance.get(member.input());
        sum += x == null ? Double.NaN : x.values()[member.index()];
      }
      out.put(group.name(), group.superpixel() ? sum / group.members().size() : sum);
    }
    return out;
  }

  /** Which group each grouped element belongs to. */
  public Map<Member, String> membership() {
    Map<Member, String> out = new HashMap<>();
    for (Group group : groups) {
      for (Member member : group.members()) {
        out.put(member, group.name());
      }
    }
    return out;
  }
}
