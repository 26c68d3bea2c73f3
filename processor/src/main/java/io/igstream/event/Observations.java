package io.igstream.event;

import io.igstream.drift.Observation;
import io.igstream.ig.Attribution;
import io.igstream.ig.DenseArray;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the drift summaries keep of an explained event. Named features (tabular inputs) are
 * summarised one by one; an input without feature names (an image, a token sequence) becomes one
 * summarised feature named after the input, whose value is the mean of its elements (for inputs
 * attributed at a layer, such as token ids, the number of non-zero ids) and whose attribution is
 * the total |attribution| over its elements; with a channel reducer, each channel is also one
 * feature ({@code input[c]}). An input with more than {@value #MAX_NAMED_FEATURES} named features
 * is summarised as a whole too.
 */
public final class Observations {

  /**
   * More named features than this in one input are summarised as the input's totals: each keeps two
   * quantile sketches per window, and a window's partial must stay well under a record's size.
   */
  public static final int MAX_NAMED_FEATURES = 100;

  private Observations() {}

  public static Observation of(
      Map<String, DenseArray> instance,
      Attribution first,
      Map<String, Records.InputPresentation> presentation,
      String explainerHash) {
    return of(instance, first, presentation, explainerHash, FeatureGroups.NONE);
  }

  /**
   * As {@link #of(Map, Attribution, Map, String)}, plus one summarised feature per group (value:
   * sum of the members' values, or their mean for a superpixel; attribution: sum of the members'
   * attributions), named like the group or {@code group.<name>} if a feature has that name. The
   * per-feature entries are unchanged. Groups are left out when there are more than {@value
   * #MAX_NAMED_FEATURES}, for the same size reason as features.
   */
  public static Observation of(
      Map<String, DenseArray> instance,
      Attribution first,
      Map<String, Records.InputPresentation> presentation,
      String explainerHash,
      FeatureGroups groups) {
    Map<String, Double> values = new LinkedHashMap<>();
    Map<String, Double> attributions = new LinkedHashMap<>();
    for (Map.Entry<String, DenseArray> entry : first.attributions().entrySet()) {
      String input = entry.getKey();
      Records.InputPresentation how = presentation.get(input);
      DenseArray a =
          how == null ? entry.getValue() : Shapes.sumTrailing(entry.getValue(), how.inputShape());
      DenseArray x = instance.get(input);
      boolean layer = a != entry.getValue();
      List<String> names = how == null ? null : how.featureNames();
      if (names != null && names.size() <= MAX_NAMED_FEATURES) {
        for (int i = 0; i < names.size() && i < a.size(); i++) {
          // Two inputs naming a feature alike must not overwrite each other.
          String name =
              attributions.containsKey(names.get(i)) ? input + "." + names.get(i) : names.get(i);
          values.put(name, x != null && i < x.size() ? x.values()[i] : Double.NaN);
          attributions.put(name, a.values()[i]);
        }
        continue;
      }
      values.put(input, x == null ? Double.NaN : layer ? nonZero(x) : mean(x.values(), 0, 1));
      attributions.put(input, absSum(a.values(), 0, 1));
      String reducer = how == null ? null : how.channelReducer();
      long[] shape = a.shape();
      if (reducer != null && !reducer.equals("none") && shape.length >= 2) {
        int channels = Math.toIntExact(shape[shape.length - 1]);
        for (int c = 0; c < channels; c++) {
          String name = input + "[" + c + "]";
          values.put(name, x == null ? Double.NaN : mean(x.values(), c, channels));
          attributions.put(name, absSum(a.values(), c, channels));
        }
      }
    }
    if (!groups.isEmpty() && groups.groups().size() <= MAX_NAMED_FEATURES) {
      Map<String, DenseArray> shaped = new LinkedHashMap<>();
      first
          .attributions()
          .forEach(
              (input, a) -> {
                Records.InputPresentation how = presentation.get(input);
                shaped.put(input, how == null ? a : Shapes.sumTrailing(a, how.inputShape()));
              });
      Map<String, Double> groupValues = groups.values(instance);
      Map<String, Double> groupAttributions = groups.attributions(shaped);
      for (String group : groupAttributions.keySet()) {
        String name = values.containsKey(group) ? "group." + group : group;
        values.put(name, groupValues.get(group));
        attributions.put(name, groupAttributions.get(group));
      }
    }
    return new Observation(
        values,
        attributions,
        first.target(),
        first.outputAtInput(),
        first.approximationError(),
        explainerHash);
  }

  private static double nonZero(DenseArray x) {
    int n = 0;
    for (double v : x.values()) {
      if (v != 0) {
        n++;
      }
    }
    return n;
  }

  private static double mean(double[] v, int offset, int stride) {
    double sum = 0;
    int n = 0;
    for (int i = offset; i < v.length; i += stride) {
      sum += v[i];
      n++;
    }
    return n == 0 ? Double.NaN : sum / n;
  }

  private static double absSum(double[] v, int offset, int stride) {
    double sum = 0;
    for (int i = offset; i < v.length; i += stride) {
      sum += Math.abs(v[i]);
    }
    return sum;
  }
}
