package dev.ctrlplane.events;

import dev.ctrlplane.Feature;
import dev.ctrlplane.NodeServices;
import dev.ctrlplane.audit.RefusalRecorder;
import dev.ctrlplane.events.webhooks.WebhookDeliveryJob;
import dev.ctrlplane.events.webhooks.WebhookFanoutJob;
import dev.ctrlplane.events.webhooks.WebhookSender;
import dev.ctrlplane.events.webhooks.WebhookService;
import dev.ctrlplane.events.webhooks.WebhookStore;
import dev.ctrlplane.events.webhooks.WebhookTargets;
import dev.ctrlplane.events.webhooks.WebhooksVerticle;
import dev.ctrlplane.http.EventRoutes;
import dev.ctrlplane.http.Gateway;
import dev.ctrlplane.http.WebhookRoutes;
import dev.ctrlplane.scheduler.Job;
import dev.ctrlplane.scheduler.RetentionJob;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.util.List;

/**
 * Events for every subscriber (SPEC §11): the node's feed and its {@code GET /v1/events} streams, the marks of what
 * this node published, and webhooks; its scheduled jobs are the outbox relay, the webhook fan-out, each delivery
 * attempt, and the retention of stored events.
 */
public final class EventsFeature implements Feature {

  private final NodeServices node;
  private final EventsConfig config;
  private final EventLog log;
  private final EventFeed feed;
  private final PublishMarks marks;
  private final EventRelay relay;
  private final WebhookService webhooks;
  private final WebhookSender sender;
  private final RefusalRecorder refusals;

  public EventsFeature(NodeServices node) {
    this.node = node;
    this.config = node.config().events();
    this.log = new EventLog(node.pool());
    this.feed = new EventFeed(log, config.pollInterval(), config.window());
    this.marks = new PublishMarks(node.pool());
    EventPublisher publisher = node.transactions().publisher();
    publisher.onPublished(marks::published);
    this.relay = new EventRelay(node.pool(), publisher, config.relayGrace());
    WebhookTargets targets = new WebhookTargets(node.vertx(), config.webhooks().allowPrivateTargets());
    WebhookStore store = new WebhookStore(node.pool());
    this.webhooks = new WebhookService(store, node.transactions(), node.tenancy(), node.keys(), targets);
    this.sender = new WebhookSender(node.vertx(), store, node.keys(), targets, config.webhooks(), node.nodeName());
    this.refusals = node.refusals();
  }

  @Override
  public Future<?> deploy(Vertx vertx) {
    return vertx.deployVerticle(feed)
        .compose(fed -> vertx.deployVerticle(new OutboxVerticle(marks)))
        .compose(outbox -> vertx.deployVerticle(new WebhooksVerticle(webhooks, refusals)));
  }

  @Override
  public void mount(Router router, Gateway gateway) {
    new EventRoutes(feed, log, config.retention(),
        new EventStream.Settings(config.heartbeat().toMillis(), config.streamBuffer(), 500)).mount(router);
    new WebhookRoutes(gateway).mount(router);
  }

  @Override
  public List<Job> jobs() {
    WebhookDeliveryJob delivery = new WebhookDeliveryJob(sender, config.webhooks().timeout());
    return List.of(
        new RetentionJob("events", node.pool(), config.retention(), EventStore::prune),
        new EventRelayJob(relay, config.relayInterval()),
        new WebhookFanoutJob(node.vertx(), node.pool(), config.webhooks().fanoutInterval(), sender,
            delivery.lease()),
        delivery);
  }
}
