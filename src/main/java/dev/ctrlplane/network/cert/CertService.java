package dev.ctrlplane.network.cert;

import dev.ctrlplane.bus.ApiException;
import dev.ctrlplane.bus.Call;
import dev.ctrlplane.bus.Envelope;
import dev.ctrlplane.bus.ErrorCode;
import dev.ctrlplane.crypto.Aad;
import dev.ctrlplane.crypto.KeyRing;
import dev.ctrlplane.events.EventType;
import dev.ctrlplane.network.domain.Domain;
import dev.ctrlplane.network.domain.DomainService;
import dev.ctrlplane.network.domain.DomainStore;
import dev.ctrlplane.store.Times;
import dev.ctrlplane.store.Transactions;
import dev.ctrlplane.store.Tx;
import dev.ctrlplane.store.TypeId;
import dev.ctrlplane.tenant.Tenancy;
import dev.ctrlplane.validation.Fields;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;

/**
 * Certificates of verified domains (SPEC §8): issued by the built-in {@link CertificateAuthority}, their keys sealed
 * with the secrets master key before they are stored, the chain readable as PEM, never the key. A new certificate
 * replaces the domain's current one, in the transaction that stores it with its {@code cert.*} event and audit entry.
 */
public final class CertService {

  public static final String RESOURCE = "certificate";

  private final CertificateAuthority ca;
  private final CertStore store;
  private final DomainStore domains;
  private final DomainService domainService;
  private final Transactions transactions;
  private final Tenancy tenancy;
  private final KeyRing keys;
  private final Duration validity;

  public CertService(CertificateAuthority ca, CertStore store, DomainStore domains, DomainService domainService,
      Transactions transactions, Tenancy tenancy, KeyRing keys, Duration validity) {
    this.ca = ca;
    this.store = store;
    this.domains = domains;
    this.domainService = domainService;
    this.transactions = transactions;
    this.tenancy = tenancy;
    this.keys = keys;
    this.validity = validity;
  }

  /** 201 with the new certificate; 422 for an unverified domain. */
  public Future<JsonObject> issue(Call call) {
    boolean autoRenew = Fields.optionalBoolean(Envelope.body(call), "auto_renew", "auto_renew").orElse(true);
    return domainService.visibleDomain(call).compose(domain -> {
      requireVerified(domain);
      return certificate(domain, autoRenew).compose(cert -> transactions.run(call, tx ->
          tenancy.requireActive(tx.sql(), domain.tenantId())
              .compose(active -> domains.lock(tx.sql(), domain.id()))
              .compose(locked -> {
                requireVerified(locked.orElseThrow(() -> ApiException.notFound(DomainService.RESOURCE, domain.id())));
                return store.replace(tx.sql(), cert);
              })
              .map(stored -> {
                JsonObject json = cert.toJson();
                tx.emit(EventType.CERT_PROVISIONED, cert.tenantId(), domain.instanceId(), cert.id(), json);
                tx.audit(cert.tenantId(), RESOURCE, cert.id(), "create", json.copy());
                return json;
              })));
    });
  }

  /** {@code {"pem": chain}}: the domain's current certificate chain, leaf first; 404 without one. */
  public Future<JsonObject> chain(Call call) {
    return domainService.visibleDomain(call).compose(domain -> store.current(domain.id()))
        .map(found -> new JsonObject().put("pem", found.orElseThrow(() -> new ApiException(ErrorCode.NOT_FOUND,
            "domain " + Envelope.id(call) + " has no certificate: POST /v1/domains/" + Envelope.id(call)
                + "/cert issues one")).chainPem()));
  }

  /** {@code {"pem": root}}: the built-in authority's root, for operators (clients trust it to reach the edge). */
  public Future<JsonObject> root(Call call) {
    if (!call.principal().isAdmin()) {
      return Future.failedFuture(ApiException.forbidden("the certificate authority is for operators"));
    }
    return ca.root().map(root -> new JsonObject().put("pem", root.pem()));
  }

  /** A new certificate for the domain from the authority, its key sealed; not stored yet. */
  public Future<Certificate> certificate(Domain domain, boolean autoRenew) {
    return certificate(domain.tenantId(), domain.id(), domain.hostname(), autoRenew);
  }

  /** A new certificate for the domain from the authority, its key sealed; not stored yet. */
  Future<Certificate> certificate(String tenantId, String domainId, String hostname, boolean autoRenew) {
    String id = TypeId.generate("cert");
    return ca.issue(hostname, validity).map(issued -> {
      var leaf = issued.leaf();
      return new Certificate(id, tenantId, domainId, hostname,
          leaf.getIssuerX500Principal().getName(), issued.serial(), leaf.getNotBefore().toInstant(),
          leaf.getNotAfter().toInstant(), Pem.fingerprint(leaf), autoRenew, "builtin", issued.chainPem(),
          keys.seal(issued.pkcs8(), keyAad(id, domainId, hostname)), Times.now());
    });
  }

  public static byte[] keyAad(String certId, String domainId, String hostname) {
    return Aad.of(CertStore.KEY_PURPOSE, certId, domainId, hostname);
  }

  private static void requireVerified(Domain domain) {
    if (!domain.verified()) {
      throw new ApiException(ErrorCode.UNPROCESSABLE, "domain " + domain.id() + " is not verified: publish TXT "
          + domain.recordName() + " and POST /v1/domains/" + domain.id() + "/verify first");
    }
  }
}
