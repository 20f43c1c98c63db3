package dev.ctrlplane.provider.process;

import dev.ctrlplane.provider.ProviderException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Set;

/**
 * A replica's secret files: {@code <replicaDir>/secrets/} (mode 0700, as are its subdirectories), one file (mode 0600)
 * per {@code file} secret at its relative path. Written afresh before each spawn, deleted when the replica stops.
 * Blocking.
 */
public final class SecretFiles {

  static final String DIR = "secrets";
  private static final Set<PosixFilePermission> DIR_MODE = PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");
  private static final FileAttribute<Set<PosixFilePermission>> DIR_ATTR =
      PosixFilePermissions.asFileAttribute(DIR_MODE);
  private static final FileAttribute<Set<PosixFilePermission>> FILE_ATTR =
      PosixFilePermissions.asFileAttribute(FILE_MODE);

  private SecretFiles() {}

  /** Replaces the replica's secrets dir with exactly these files; returns the dir. */
  public static Path write(Path replicaDir, Map<String, byte[]> files) throws IOException {
    Path dir = replicaDir.resolve(DIR);
    RunDirs.deleteTree(dir);
    createDir(dir);
    for (Map.Entry<String, byte[]> file : files.entrySet()) {
      Path target = dir.resolve(file.getKey()).normalize();
      if (!target.startsWith(dir) || target.equals(dir)) {
        // the API refuses such keys; this keeps a tampered row from writing outside the dir all the same
        throw new ProviderException("secret file " + file.getKey() + " is not a path inside the secrets dir");
      }
      Path parent = dir.relativize(target).getParent();
      if (parent != null) {
        createParents(dir, parent);
      }
      Files.createFile(target, FILE_ATTR);
      Files.setPosixFilePermissions(target, FILE_MODE);
      Files.write(target, file.getValue(), StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
    }
    return dir;
  }

  /** Deletes the replica's secrets dir, if any. */
  public static void delete(Path replicaDir) throws IOException {
    RunDirs.deleteTree(replicaDir.resolve(DIR));
  }

  private static void createParents(Path dir, Path relativeParent) throws IOException {
    Path current = dir;
    for (Path segment : relativeParent) {
      current = current.resolve(segment);
      if (!Files.isDirectory(current)) {
        createDir(current);
      }
    }
  }

  /** Created with mode 0700 from the start, then set again: the umask could only have taken bits away. */
  private static void createDir(Path dir) throws IOException {
    Files.createDirectory(dir, DIR_ATTR);
    Files.setPosixFilePermissions(dir, DIR_MODE);
  }
}
