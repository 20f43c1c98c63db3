package dev.ctrlplane.provider;

import dev.ctrlplane.bus.ApiException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/** The providers this node offers, by name, and the default one for creates that name none. */
public final class Providers {

  private final Map<String, Provider> byName = new LinkedHashMap<>();
  private final String defaultName;

  public Providers(String defaultName, Collection<Provider> providers) {
    this.defaultName = defaultName;
    providers.forEach(p -> byName.put(p.name(), p));
    if (!byName.containsKey(defaultName)) {
      throw new IllegalArgumentException("default provider " + defaultName + " is not enabled");
    }
  }

  public String defaultName() {
    return defaultName;
  }

  /** The named provider; an unknown name is the caller's mistake (400). */
  public Provider get(String name) {
    Provider provider = byName.get(name);
    if (provider == null) {
      throw ApiException.invalidField("provider_name", "unknown provider '" + name + "'; available: " + byName.keySet());
    }
    return provider;
  }

  public boolean has(String name) {
    return byName.containsKey(name);
  }

  public Collection<Provider> all() {
    return byName.values();
  }
}
