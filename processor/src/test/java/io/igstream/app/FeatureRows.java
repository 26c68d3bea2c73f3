package io.igstream.app;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The rows of a fixture data split as feature name to value, without the label column. */
public final class FeatureRows {

  private FeatureRows() {}

  /** Reads a CSV split such as {@code fixtures/data/diabetes.test.csv} with the app's reader. */
  public static List<Map<String, Double>> read(Path csv) throws IOException {
    List<Map<String, Double>> rows = new ArrayList<>();
    for (Map<String, String> cells : Csv.read(csv).rows()) {
      Map<String, Double> row = new LinkedHashMap<>();
      cells.forEach(
          (name, value) -> {
            if (!name.equals("label")) {
              row.put(name, Double.parseDouble(value));
            }
          });
      rows.add(row);
    }
    return rows;
  }
}
