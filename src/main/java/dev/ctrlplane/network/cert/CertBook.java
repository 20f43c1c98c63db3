package dev.ctrlplane.network.cert;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * The certificates this node's edge serves, chosen per TLS handshake by the name the client asked for (SNI): a key
 * manager whose table is swapped whole on every change ({@link CertFeed}), so one TLS context serves every domain and
 * a new or renewed certificate is used from the next handshake on, without a restart. A handshake without SNI, or for
 * a name without a certificate, finds no key and fails. Each certificate is known by its id (the alias); a replaced
 * one stays readable for a minute so that handshakes already under way with it finish.
 */
public final class CertBook extends X509ExtendedKeyManager {

  /** One served certificate: its chain (leaf first) and key, and the domain and instance it belongs to. */
  public record Entry(String certId, String hostname, String domainId, String instanceId, PrivateKey key,
      X509Certificate[] chain) {}

  private volatile Map<String, Entry> byHost = Map.of();
  private final Map<String, Entry> byAlias = new ConcurrentHashMap<>();

  /** Replaces the whole table; returns the entries no longer served (to be {@link #forget forgotten} later). */
  public synchronized List<Entry> replaceAll(Map<String, Entry> fresh) {
    fresh.values().forEach(e -> byAlias.put(e.certId(), e));
    List<Entry> gone = byHost.values().stream().filter(e -> !e.equals(fresh.get(e.hostname()))).toList();
    byHost = Map.copyOf(fresh);
    return gone;
  }

  /** Serves {@code entry} for its hostname (replacing what was served there); the entry it replaced, if any. */
  public synchronized List<Entry> put(Entry entry) {
    byAlias.put(entry.certId(), entry);
    Map<String, Entry> next = new HashMap<>(byHost);
    Entry was = next.put(entry.hostname(), entry);
    byHost = Map.copyOf(next);
    return was == null || was.certId().equals(entry.certId()) ? List.of() : List.of(was);
  }

  /** Stops serving the entries that match; returns them. */
  public synchronized List<Entry> removeIf(java.util.function.Predicate<Entry> matching) {
    Map<String, Entry> next = new HashMap<>(byHost);
    List<Entry> gone = next.values().stream().filter(matching).toList();
    gone.forEach(e -> next.remove(e.hostname()));
    byHost = Map.copyOf(next);
    return gone;
  }

  /** Drops what a handshake under way may still read of an entry no longer served. */
  public void forget(Entry entry) {
    if (!byHost.containsValue(entry)) {
      byAlias.remove(entry.certId(), entry);
    }
  }

  public Entry served(String hostname) {
    return byHost.get(hostname);
  }

  public int size() {
    return byHost.size();
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    return engine == null ? null : aliasFor(keyType, engine.getHandshakeSession());
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return socket instanceof SSLSocket ssl ? aliasFor(keyType, ssl.getHandshakeSession()) : null;
  }

  private String aliasFor(String keyType, SSLSession session) {
    if (!(session instanceof ExtendedSSLSession extended)) {
      return null;
    }
    for (SNIServerName name : extended.getRequestedServerNames()) {
      if (name instanceof SNIHostName host) {
        Entry entry = byHost.get(host.getAsciiName().toLowerCase(Locale.ROOT));
        if (entry != null && fits(keyType, entry.key())) {
          return entry.certId();
        }
      }
    }
    return null;
  }

  private static boolean fits(String keyType, PrivateKey key) {
    String algorithm = key.getAlgorithm();
    return keyType == null || keyType.equals(algorithm) || keyType.startsWith(algorithm + "_");
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    Entry entry = alias == null ? null : byAlias.get(alias);
    return entry == null ? null : entry.chain().clone();
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    Entry entry = alias == null ? null : byAlias.get(alias);
    return entry == null ? null : entry.key();
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    return byHost.values().stream().filter(e -> fits(keyType, e.key())).map(Entry::certId).toArray(String[]::new);
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return null;
  }

  @Override
  public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
    return null;
  }

  @Override
  public String toString() {
    return "CertBook[" + byHost.size() + " hosts]";
  }
}
