package dev.ctrlplane.secrets;

import dev.ctrlplane.Feature;
import dev.ctrlplane.NodeServices;
import dev.ctrlplane.http.Gateway;
import dev.ctrlplane.http.SecretRoutes;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;

/**
 * Secrets (SPEC §9): the verticle and routes of {@code /v1/instances/{id}/secrets}, and the source the providers ask
 * for an instance's decrypted secrets at each replica start (installed here, before any replica starts).
 */
public final class SecretsFeature implements Feature {

  private final NodeServices node;
  private final SecretService service;

  public SecretsFeature(NodeServices node) {
    this.node = node;
    SecretStore store = new SecretStore(node.pool());
    this.service = new SecretService(store, node.transactions(), node.tenancy(), node.keys());
    SecretMaterials materials = new SecretMaterials(node.vertx(), store, node.keys());
    node.providers().all().forEach(provider -> provider.setSecretSource(materials));
  }

  @Override
  public Future<?> deploy(Vertx vertx) {
    return vertx.deployVerticle(new SecretsVerticle(service, node.refusals()));
  }

  @Override
  public void mount(Router router, Gateway gateway) {
    new SecretRoutes(gateway).mount(router);
  }
}
