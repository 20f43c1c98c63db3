package dev.ctrlplane.network.cert;

import dev.ctrlplane.crypto.KeyRing;
import dev.ctrlplane.events.EventType;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this node's {@link CertBook} current: every served certificate read from the store at start (keys opened
 * on a worker), then the one domain an event names read again (certificates issued or renewed on any node, domains
 * verified), entries dropped when their domain or instance goes, and everything read again every {@code resync}
 * (which covers events missed while this node was cut off). Events carry no key: the key always comes from the store.
 */
public final class CertFeed extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(CertFeed.class);
  private static final long FORGET_AFTER_MS = 60_000;

  private final CertStore store;
  private final KeyRing keys;
  private final CertBook book;
  private final Duration resync;

  public CertFeed(CertStore store, KeyRing keys, CertBook book, Duration resync) {
    this.store = store;
    this.keys = keys;
    this.book = book;
    this.resync = resync;
  }

  @Override
  public Future<?> start() {
    List<Future<Void>> subscribed = new ArrayList<>();
    for (EventType type : List.of(EventType.CERT_PROVISIONED, EventType.CERT_RENEWED, EventType.DOMAIN_VERIFIED,
        EventType.DOMAIN_REMOVED, EventType.INSTANCE_DELETED)) {
      subscribed.add(vertx.eventBus().<JsonObject>consumer(type.address(), this::onEvent).completion());
    }
    return Future.all(subscribed).compose(v -> reload()).onSuccess(v ->
        vertx.setPeriodic(resync.toMillis(), id -> reload().onFailure(f ->
            LOG.warn("reloading the edge's certificates failed: {}", f.getMessage()))));
  }

  /** Reads every served certificate again and replaces the book's table with them. */
  public Future<Void> reload() {
    return store.served().compose(all -> vertx.executeBlocking(() -> {
      Map<String, CertBook.Entry> fresh = new HashMap<>();
      for (CertStore.Served served : all) {
        CertBook.Entry entry = open(served);
        if (entry != null) {
          fresh.put(entry.hostname(), entry);
        }
      }
      return fresh;
    }, false)).map(fresh -> {
      later(book.replaceAll(fresh));
      return null;
    });
  }

  private void onEvent(Message<JsonObject> message) {
    JsonObject event = message.body();
    EventType type = EventType.of(event.getString("type"));
    JsonObject data = event.getJsonObject("data", new JsonObject());
    switch (type) {
      case CERT_PROVISIONED, CERT_RENEWED -> loadDomain(data.getString("domain_id"));
      case DOMAIN_VERIFIED -> loadDomain(data.getString("id"));
      case DOMAIN_REMOVED -> later(book.removeIf(e -> e.domainId().equals(data.getString("id"))));
      case INSTANCE_DELETED -> later(book.removeIf(e -> e.instanceId().equals(data.getString("id"))));
      default -> { }
    }
  }

  private void loadDomain(String domainId) {
    if (domainId == null) {
      return;
    }
    store.served(domainId).compose(found -> vertx.executeBlocking(() -> found.map(this::open), false))
        .onSuccess(entry -> {
          if (entry.isPresent() && entry.get() != null) {
            later(book.put(entry.get()));
          }
        })
        .onFailure(f -> LOG.warn("loading the certificate of domain {} failed: {}", domainId, f.getMessage()));
  }

  /** The entry of a stored certificate, its key opened; null (logged) when the key cannot be opened. */
  private CertBook.Entry open(CertStore.Served served) {
    Certificate cert = served.cert();
    try {
      byte[] pkcs8 = keys.open(cert.key(), CertService.keyAad(cert.id(), cert.domainId(), cert.hostname()));
      return new CertBook.Entry(cert.id(), cert.hostname(), cert.domainId(), served.instanceId(),
          Pem.privateKey(pkcs8), Pem.chain(cert.chainPem()));
    } catch (RuntimeException unreadable) {
      LOG.warn("the edge cannot serve certificate {} of {}: {}", cert.id(), cert.hostname(), unreadable.getMessage());
      return null;
    }
  }

  private void later(List<CertBook.Entry> gone) {
    if (!gone.isEmpty()) {
      vertx.setTimer(FORGET_AFTER_MS, id -> gone.forEach(book::forget));
    }
  }
}
