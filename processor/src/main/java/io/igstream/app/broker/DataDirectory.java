package io.igstream.app.broker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/** A broker's folder (configuration, log, partitions), deleted on close unless told to keep it. */
final class DataDirectory implements AutoCloseable {

  private final Path path;
  private final boolean deleteOnClose;

  private DataDirectory(Path path, boolean deleteOnClose) {
    this.path = path;
    this.deleteOnClose = deleteOnClose;
  }

  /** {@code requested}, created if missing, or a new folder under {@code java.io.tmpdir}. */
  static DataDirectory open(Path requested, boolean deleteOnClose) {
    try {
      Path path =
          requested == null
              ? Files.createTempDirectory(temporaryRoot(), "igstream-broker-")
              : Files.createDirectories(requested);
      return new DataDirectory(path.toAbsolutePath(), deleteOnClose);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot create the broker's data directory; check that "
              + (requested == null ? System.getProperty("java.io.tmpdir") : requested)
              + " is writable",
          e);
    }
  }

  /**
   * {@code java.io.tmpdir} as it is now, created if missing: the JDK's own default is read once at
   * startup, which misses a build tool that points it at the build folder afterwards.
   */
  static Path temporaryRoot() throws IOException {
    return Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir")));
  }

  Path path() {
    return path;
  }

  Path resolve(String name) {
    return path.resolve(name);
  }

  @Override
  public void close() {
    if (deleteOnClose) {
      deleteRecursively(path);
    }
  }

  static void deleteRecursively(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try {
      Files.walkFileTree(
          root,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              Files.deleteIfExists(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
              // A file that vanished meanwhile is already where we want it.
              if (e instanceof NoSuchFileException) {
                return FileVisitResult.CONTINUE;
              }
              throw e;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
              Files.deleteIfExists(dir);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + root + "; remove it by hand", e);
    }
  }
}
