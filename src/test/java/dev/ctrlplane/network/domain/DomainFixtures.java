package dev.ctrlplane.network.domain;

import dev.ctrlplane.support.Api;
import dev.ctrlplane.support.DnsResponder;
import io.vertx.core.json.JsonObject;
import java.util.UUID;

/** Domains for tests: unique hostnames, and domains verified for real through a {@link DnsResponder}. */
public final class DomainFixtures {

  private DomainFixtures() {}

  public static String hostname(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8) + ".example.com";
  }

  /** Adds {@code hostname} to the instance, publishes its challenge and verifies it; the verified domain. */
  public static JsonObject verified(Api api, DnsResponder dns, String instanceId, String hostname) {
    JsonObject domain = api.post("/v1/instances/" + instanceId + "/domains", new JsonObject()
        .put("hostname", hostname)).expect(201).json();
    JsonObject verification = domain.getJsonObject("verification");
    dns.publishTxt(verification.getString("record_name"), verification.getString("record_value"));
    return api.post("/v1/domains/" + domain.getString("id") + "/verify").expect(200).json();
  }
}
