package io.igstream.live;

import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The page's files, from the classpath only: the view's own ({@code io/igstream/live/web/}) and
 * WebJars ({@code META-INF/resources/webjars/}). Names are checked against a strict pattern before
 * any lookup, so nothing from a request ever names a file outside those folders.
 */
final class WebResources {

  static final String PAGE_ROOT = "io/igstream/live/web/";
  static final String WEBJARS_ROOT = "META-INF/resources/webjars/";
  private static final Pattern FILE = Pattern.compile("[A-Za-z0-9_.-]+");
  private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_.@+-]+");
  private static final Map<String, String> TYPES =
      Map.ofEntries(
          Map.entry("html", "text/html; charset=utf-8"),
          Map.entry("js", "text/javascript; charset=utf-8"),
          Map.entry("mjs", "text/javascript; charset=utf-8"),
          Map.entry("css", "text/css; charset=utf-8"),
          Map.entry("json", "application/json; charset=utf-8"),
          Map.entry("map", "application/json; charset=utf-8"),
          Map.entry("svg", "image/svg+xml"),
          Map.entry("png", "image/png"),
          Map.entry("ico", "image/x-icon"),
          Map.entry("woff2", "font/woff2"),
          Map.entry("txt", "text/plain; charset=utf-8"));

  /** A file found: its bytes and content type. */
  record Resource(byte[] bytes, String contentType) {}

  private final ClassLoader loader;

  WebResources(ClassLoader loader) {
    this.loader = loader;
  }

  /** A file of the page, by its bare name. */
  Optional<Resource> page(String name) {
    return validFile(name) ? load(PAGE_ROOT + name, name) : Optional.empty();
  }

  /** A WebJar file, by its path under the WebJars root. */
  Optional<Resource> webjar(String path) {
    if (path.isEmpty() || path.length() > 512) {
      return Optional.empty();
    }
    String[] segments = path.split("/", -1);
    for (String segment : segments) {
      if (!SEGMENT.matcher(segment).matches() || isDots(segment)) {
        return Optional.empty();
      }
    }
    return load(WEBJARS_ROOT + path, segments[segments.length - 1]);
  }

  static boolean validFile(String name) {
    return name.length() <= 128 && FILE.matcher(name).matches() && !isDots(name);
  }

  private static boolean isDots(String segment) {
    return segment.equals(".") || segment.equals("..") || segment.contains("..");
  }

  private Optional<Resource> load(String resource, String name) {
    int dot = name.lastIndexOf('.');
    String type = dot < 0 ? null : TYPES.get(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    if (type == null) {
      // Only known kinds of file are served; anything else is as good as absent.
      return Optional.empty();
    }
    try (InputStream in = loader.getResourceAsStream(resource)) {
      return in == null ? Optional.empty() : Optional.of(new Resource(in.readAllBytes(), type));
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
