package io.igstream.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.igstream.event.JsonArrays;
import io.igstream.event.PredictionEvent;
import io.igstream.event.Shapes;
import io.igstream.ig.DenseArray;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * Writes, for each image input of an explained event, a PNG of the image in grey with positive
 * attributions in red and negative ones in blue, opacity by magnitude (the IG tutorial's overlay).
 */
final class HeatmapWriter {

  private static final int MIN_SIDE = 224;

  private final Path directory;

  HeatmapWriter(Path directory) {
    this.directory = directory;
    try {
      Files.createDirectories(directory);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + directory, e);
    }
  }

  void write(PredictionEvent event, ObjectNode record) {
    if (event.inputs() == null) {
      return;
    }
    JsonNode attributions = record.get("attributions");
    for (Iterator<Map.Entry<String, JsonNode>> it = attributions.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      DenseArray image = event.inputs().get(entry.getKey());
      if (image == null || !isImage(image.shape())) {
        continue;
      }
      DenseArray attribution = JsonArrays.read(entry.getValue());
      DenseArray grey = image.shape().length == 3 ? Shapes.reduceChannels(image, "mean") : image;
      DenseArray heat =
          attribution.shape().length == 3 ? Shapes.reduceChannels(attribution, "sum") : attribution;
      Path file =
          directory.resolve(safeName(event.eventId()) + "-" + safeName(entry.getKey()) + ".png");
      try {
        ImageIO.write(render(grey, heat), "png", file.toFile());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write " + file, e);
      }
    }
  }

  static boolean isImage(long[] shape) {
    return (shape.length == 3 && shape[2] >= 1 && shape[2] <= 4 && shape[0] >= 4 && shape[1] >= 4)
        || (shape.length == 2 && shape[0] >= 4 && shape[1] >= 4);
  }

  private static BufferedImage render(DenseArray grey, DenseArray heat) {
    int height = Math.toIntExact(grey.shape()[0]);
    int width = Math.toIntExact(grey.shape()[1]);
    int scale = Math.max(1, (MIN_SIDE + Math.max(height, width) - 1) / Math.max(height, width));
    double low = Double.POSITIVE_INFINITY;
    double high = Double.NEGATIVE_INFINITY;
    for (double v : grey.values()) {
      low = Math.min(low, v);
      high = Math.max(high, v);
    }
    double peak = 0;
    for (double v : heat.values()) {
      peak = Math.max(peak, Math.abs(v));
    }
    BufferedImage out =
        new BufferedImage(width * scale, height * scale, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        double g = high > low ? (grey.values()[y * width + x] - low) / (high - low) : 0;
        double a = peak > 0 ? heat.values()[y * width + x] / peak : 0;
        double base = 0.35 * g;
        int r = channel(base + (a > 0 ? a : 0));
        int gr = channel(base);
        int b = channel(base + (a < 0 ? -a : 0));
        int rgb = (r << 16) | (gr << 8) | b;
        for (int dy = 0; dy < scale; dy++) {
          for (int dx = 0; dx < scale; dx++) {
            out.setRGB(x * scale + dx, y * scale + dy, rgb);
          }
        }
      }
    }
    return out;
  }

  private static int channel(double value) {
    return (int) Math.round(255 * Math.max(0, Math.min(1, value)));
  }

  /**
   * A file name from event data: safe characters only, with a hash suffix so that different ids
   * never collide after the replacement.
   */
  static String safeName(String raw) {
    String cleaned = raw.replaceAll("[^A-Za-z0-9_-]", "_");
    if (cleaned.length() > 64) {
      cleaned = cleaned.substring(0, 64);
    }
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(raw.getBytes(StandardCharsets.UTF_8));
      return cleaned + "-" + HexFormat.of().formatHex(digest, 0, 4);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
