package dev.ctrlplane.events.webhooks;

import dev.ctrlplane.crypto.KeyRing;
import dev.ctrlplane.events.EventsConfig;
import dev.ctrlplane.store.Times;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Makes one attempt of a delivery: signs the stored body (Standard Webhooks), POSTs it with a per-attempt deadline,
 * and says what happened and what comes next (done, retry at a time, or failed for good). At most
 * {@code max_concurrency_per_receiver} attempts per receiver (scheme, host, port) are in flight on this node, and a
 * few per slot wait for one; an attempt that finds even the queue full is not made now ({@link Result#busy}), so a
 * receiver that hangs holds only its own slots and queue and never delays the others.
 */
public final class WebhookSender {

  /** The outcome of {@link #attempt}: the attempt made (absent when none was), the state after it, the next time. */
  public record Result(Optional<Delivery> delivery, Optional<Attempt> attempt, String state, Instant next) {

    static Result gone() {
      return new Result(Optional.empty(), Optional.empty(), Delivery.FAILED, null);
    }

    static Result busy(Delivery delivery, Instant retry) {
      return new Result(Optional.of(delivery), Optional.empty(), Delivery.PENDING, retry);
    }

    /** No attempt was made now (receiver busy): try again at {@link #next}. */
    public boolean isBusy() {
      return attempt.isEmpty() && delivery.isPresent() && Delivery.PENDING.equals(state);
    }

    public boolean isFinal() {
      return !Delivery.PENDING.equals(state);
    }
  }

  private static final Duration BUSY_RETRY = Duration.ofMillis(200);
  /** Attempts that may wait for a receiver's slot, per slot. */
  private static final int QUEUED_PER_SLOT = 4;
  private static final Duration MAX_BACKOFF = Duration.ofHours(4);
  private static final int MAX_ERROR = 500;

  private final Vertx vertx;
  private final WebhookStore store;
  private final KeyRing keys;
  private final WebhookTargets targets;
  private final EventsConfig.Webhooks config;
  private final String node;
  private final HttpClient client;
  private final Map<String, Receiver> receivers = new ConcurrentHashMap<>();
  private final Map<String, byte[]> signingKeys = new ConcurrentHashMap<>();

  public WebhookSender(Vertx vertx, WebhookStore store, KeyRing keys, WebhookTargets targets,
      EventsConfig.Webhooks config, String node) {
    this.vertx = vertx;
    this.store = store;
    this.keys = keys;
    this.targets = targets;
    this.config = config;
    this.node = node;
    this.client = vertx.createHttpClient(new HttpClientOptions()
            .setConnectTimeout((int) config.timeout().toMillis())
            .setKeepAlive(true),
        new PoolOptions().setHttp1MaxSize(config.maxConcurrencyPerReceiver()));
  }

  /** One attempt of the delivery {@code id}, if it is still pending and its webhook still exists. */
  public Future<Result> attempt(String deliveryId) {
    return attempt(deliveryId, true);
  }

  /** {@link #attempt}; with {@code mayWait} false an attempt whose receiver has no free slot is not made now. */
  public Future<Result> attempt(String deliveryId, boolean mayWait) {
    return store.deliveryWithHook(deliveryId).compose(found -> {
      if (found.isEmpty() || !Delivery.PENDING.equals(found.get().getKey().state())) {
        return Future.succeededFuture(Result.gone()); // done already, or its webhook deleted (deliveries cascade)
      }
      return attempt(found.get().getKey(), found.get().getValue(), mayWait);
    });
  }

  private Future<Result> attempt(Delivery delivery, Webhook hook, boolean mayWait) {
    URI url = URI.create(hook.url());
    Receiver receiver = receivers.computeIfAbsent(url.getScheme() + "://" + url.getHost() + ":" + url.getPort(),
        r -> new Receiver());
    Future<Void> slot = receiver.acquire(config.maxConcurrencyPerReceiver(), mayWait ? QUEUED_PER_SLOT : 0);
    if (slot == null) {
      return Future.succeededFuture(Result.busy(delivery, Times.now().plus(BUSY_RETRY)));
    }
    return slot.compose(held -> {
      Instant started = Times.now();
      long startNanos = System.nanoTime();
      int number = delivery.attempts() + 1;
      return targets.check(url)
          .compose(allowed -> post(url, delivery, hook))
          .transform(done -> {
            receiver.release();
            long millis = (System.nanoTime() - startNanos) / 1_000_000;
            Attempt attempt = done.succeeded()
                ? new Attempt(number, node, started, millis, done.result(), null)
                : new Attempt(number, node, started, millis, null, errorOf(done.cause()));
            return Future.succeededFuture(decide(delivery, attempt));
          });
    });
  }

  /**
   * The attempts in flight to one receiver on this node, and those waiting for a slot: at most {@code max} in flight
   * and {@code max * QUEUED_PER_SLOT} waiting; beyond that an attempt is not made now ({@code null}).
   */
  private static final class Receiver {
    private final java.util.ArrayDeque<io.vertx.core.Promise<Void>> waiting = new java.util.ArrayDeque<>();
    private int inFlight;

    synchronized Future<Void> acquire(int max, int queuedPerSlot) {
      if (inFlight < max) {
        inFlight++;
        return Future.succeededFuture();
      }
      if (waiting.size() >= max * queuedPerSlot) {
        return null;
      }
      io.vertx.core.Promise<Void> turn = io.vertx.core.Promise.promise();
      waiting.add(turn);
      return turn.future();
    }

    void release() {
      io.vertx.core.Promise<Void> next;
      synchronized (this) {
        next = waiting.poll();
        if (next == null) {
          inFlight--;
          return;
        }
      }
      next.complete(); // the slot passes to the next waiter
    }
  }

  /** The status the receiver answered; fails on no answer within the timeout. */
  private Future<Integer> post(URI url, Delivery delivery, Webhook hook) {
    byte[] key = keyOf(hook);
    long timestamp = Times.now().getEpochSecond();
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(url.toString())
        .putHeader("Content-Type", "application/json")
        .putHeader("User-Agent", "ctrlplane-webhooks/1")
        .putHeader("webhook-id", delivery.id())
        .putHeader("webhook-timestamp", Long.toString(timestamp))
        .putHeader("webhook-signature", Signature.sign(key, delivery.id(), timestamp, delivery.body()))
        .setFollowRedirects(false);
    Promise<Integer> answered = Promise.promise();
    long deadline = vertx.setTimer(config.timeout().toMillis(), id -> answered.tryFail(
        new java.util.concurrent.TimeoutException("no response within " + config.timeout().toMillis() + "ms")));
    client.request(options)
        .compose(request -> {
          answered.future().onFailure(timedOut -> request.reset());
          return request.send(delivery.body());
        })
        .compose(response -> response.body().map(body -> response.statusCode()))
        .onComplete(done -> {
          vertx.cancelTimer(deadline);
          if (done.succeeded()) {
            answered.tryComplete(done.result());
          } else {
            answered.tryFail(done.cause());
          }
        });
    return answered.future();
  }

  /** The webhook's HMAC key, unsealed once per sealed value (a webhook's secret never changes). */
  private byte[] keyOf(Webhook hook) {
    String cacheKey = hook.id() + "/" + java.util.Base64.getEncoder().encodeToString(hook.secret().nonce());
    if (signingKeys.size() > 10_000) {
      signingKeys.clear();
    }
    return signingKeys.computeIfAbsent(cacheKey, k -> {
      return Signature.keyOf(new String(keys.open(hook.secret(), Webhook.associatedData(hook.tenantId(), hook.id())),
          java.nio.charset.StandardCharsets.UTF_8));
    });
  }

  /** Succeeded on a 2xx; otherwise the next attempt after an exponential, jittered backoff, or failed once too old. */
  Result decide(Delivery delivery, Attempt attempt) {
    Result result = next(delivery, attempt);
    count(result.state().equals(Delivery.PENDING) ? "retry" : result.state(), attempt.durationMillis());
    return result;
  }

  /** {@code ctrlplane_webhook_attempts_total{outcome}} (succeeded, failed, retry) and their durations. */
  private static void count(String outcome, long millis) {
    io.micrometer.core.instrument.MeterRegistry registry =
        io.vertx.micrometer.backends.BackendRegistries.getDefaultNow();
    if (registry != null) {
      registry.counter("ctrlplane.webhook.attempts", "outcome", outcome).increment();
      registry.timer("ctrlplane.webhook.attempt.duration").record(Duration.ofMillis(millis));
    }
  }

  private Result next(Delivery delivery, Attempt attempt) {
    if (attempt.succeeded()) {
      return new Result(Optional.of(delivery), Optional.of(attempt), Delivery.SUCCEEDED, null);
    }
    Instant next = Times.now().plus(backoff(attempt.number()));
    if (next.isAfter(delivery.createdAt().plus(config.retryFor()))) {
      return new Result(Optional.of(delivery), Optional.of(attempt), Delivery.FAILED, null);
    }
    return new Result(Optional.of(delivery), Optional.of(attempt), Delivery.PENDING, next);
  }

  /** initial × 2^(n-1), at most 4 h, times a random 0.8-1.2 (so receivers that failed together do not retry so). */
  Duration backoff(int attemptNumber) {
    long base = config.retryInitial().toMillis() << Math.min(attemptNumber - 1, 30);
    long capped = Math.min(base <= 0 ? Long.MAX_VALUE : base, MAX_BACKOFF.toMillis());
    double jitter = 0.8 + 0.4 * ThreadLocalRandom.current().nextDouble();
    return Duration.ofMillis((long) (capped * jitter));
  }

  private static String errorOf(Throwable failure) {
    String message = failure instanceof dev.ctrlplane.bus.ApiException api ? "refused: " + api.getMessage()
        : failure.getClass().getSimpleName() + ": " + failure.getMessage();
    return message.length() > MAX_ERROR ? message.substring(0, MAX_ERROR) : message;
  }
}
