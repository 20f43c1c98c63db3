package dev.ctrlplane.secrets;

import dev.ctrlplane.crypto.KeyRing;
import dev.ctrlplane.crypto.Sealed;
import dev.ctrlplane.crypto.UnsealException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code ctrlplane secrets rotate}: re-seals, with the current key, every value an older key sealed, while nodes keep
 * serving. Values are read in id order, a batch at a time, opened with whichever key of the ring sealed them and
 * sealed again with the same associated data (the version does not change: the value did not). Each row is written
 * compare-and-set on the ciphertext that was read, so a concurrent set (a new version) or another rotation always
 * wins over a stale re-seal; such rows are read again and retried. Every batch commits on its own, and only rows not
 * sealed with the current key are ever read, so a run that stops half-way is finished by the next one, and a run
 * with nothing to do changes nothing.
 */
public final class SecretRotation {

  private static final Logger LOG = LoggerFactory.getLogger(SecretRotation.class);
  private static final int MAX_RETRIES = 5;

  /**
   * What a run did: values it re-sealed, values sealed with the current key that it did not touch (already, or set
   * meanwhile by a serving node), values no configured key opens, and values left for a later run (by its limit).
   */
  public record Report(long rotated, long alreadyCurrent, long failed, long remaining) {

    /** The line the CLI prints. */
    public String line() {
      String counts = "rotated " + rotated + ", already current " + alreadyCurrent + ", failed " + failed;
      return remaining == 0 ? counts : counts + "; " + remaining + " still sealed with an older key: run again";
    }
  }

  /** The counters of one run; touched only from its chain of futures, one step at a time. */
  private static final class Progress {
    long rotated;
    final List<String> failedIds = new ArrayList<>();
  }

  private final Vertx vertx;
  private final SecretStore store;
  private final KeyRing keys;

  public SecretRotation(Vertx vertx, Pool pool, KeyRing keys) {
    this.vertx = vertx;
    this.store = new SecretStore(pool);
    this.keys = keys;
  }

  /** Re-seals up to {@code limit} values, {@code batchSize} per round trip. */
  public Future<Report> run(int batchSize, long limit) {
    LOG.info("re-encrypting secret values with key {} (keys accepted for reading: {})", keys.currentKeyId(), keys);
    Progress progress = new Progress();
    return pass(progress, "", batchSize, limit).compose(v -> report(progress));
  }

  private Future<Void> pass(Progress progress, String afterId, int batchSize, long limit) {
    long left = limit - progress.rotated;
    if (left <= 0) {
      return Future.succeededFuture();
    }
    int size = (int) Math.min(batchSize, left);
    return store.notSealedWith(keys.currentKeyId(), afterId, size).compose(batch -> batch.isEmpty()
        ? Future.succeededFuture()
        : rotate(progress, batch, 0)
            .compose(v -> pass(progress, batch.get(batch.size() - 1).meta().id(), batchSize, limit)));
  }

  /** Re-seals the batch; the rows another writer changed meanwhile are read again and retried. */
  private Future<Void> rotate(Progress progress, List<StoredSecret> batch, int retry) {
    return vertx.executeBlocking(() -> resealAll(progress, batch), false).compose(resealed -> {
      if (resealed.was().isEmpty()) {
        return Future.succeededFuture();
      }
      return store.reseal(resealed.was(), resealed.now()).compose(written -> {
        List<String> missed = new ArrayList<>();
        for (int i = 0; i < written.size(); i++) {
          if (written.get(i)) {
            progress.rotated++;
          } else {
            missed.add(resealed.was().get(i).meta().id());
          }
        }
        return missed.isEmpty() ? Future.succeededFuture() : retry(progress, missed, retry + 1);
      });
    });
  }

  private Future<Void> retry(Progress progress, List<String> ids, int retry) {
    if (retry > MAX_RETRIES) {
      LOG.warn("{} secret value(s) kept changing during the rotation; run it again: {}", ids.size(), ids);
      progress.failedIds.addAll(ids);
      return Future.succeededFuture();
    }
    // a set meanwhile sealed it with the current key (it is then current, and not read again), or it is gone
    return store.notSealedWithAmong(keys.currentKeyId(), ids).compose(again -> again.isEmpty()
        ? Future.succeededFuture()
        : rotate(progress, again, retry));
  }

  private record Resealed(List<StoredSecret> was, List<Sealed> now) {}

  private Resealed resealAll(Progress progress, List<StoredSecret> batch) {
    List<StoredSecret> was = new ArrayList<>(batch.size());
    List<Sealed> now = new ArrayList<>(batch.size());
    for (StoredSecret secret : batch) {
      byte[] aad = secret.associatedData();
      byte[] plaintext;
      try {
        plaintext = keys.open(secret.sealed(), aad);
      } catch (UnsealException unreadable) {
        LOG.warn("{} cannot be re-encrypted: {}", secret.describe(), unreadable.getMessage());
        progress.failedIds.add(secret.meta().id());
        continue;
      }
      try {
        now.add(keys.seal(plaintext, aad));
        was.add(secret);
      } finally {
        Arrays.fill(plaintext, (byte) 0);
      }
    }
    return new Resealed(was, now);
  }

  private Future<Report> report(Progress progress) {
    Future<Long> current = store.countSealedWith(keys.currentKeyId());
    Future<Long> older = store.countNotSealedWith(keys.currentKeyId());
    return Future.all(current, older).map(counts -> {
      long failed = progress.failedIds.size();
      return new Report(progress.rotated, Math.max(0, current.result() - progress.rotated), failed,
          Math.max(0, older.result() - failed));
    });
  }
}
