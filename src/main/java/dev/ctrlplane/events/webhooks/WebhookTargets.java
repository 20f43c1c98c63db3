package dev.ctrlplane.events.webhooks;

import dev.ctrlplane.bus.ApiException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Collections;
import java.util.HashSet;
import java.util.Set;

/**
 * Refuses webhook targets that would make the control plane call into its own network (SSRF): a host that resolves
 * to a loopback, private, link-local, shared (100.64/10), unique-local, multicast or unspecified address, or to one
 * of this node's own addresses. Checked at creation (400) and again before every attempt (a name may resolve
 * elsewhere later). {@code webhooks.allow_private_targets} turns the check off, for receivers on a private network.
 */
public final class WebhookTargets {

  private final Vertx vertx;
  private final boolean allowPrivate;
  private final Set<InetAddress> own;

  public WebhookTargets(Vertx vertx, boolean allowPrivate) {
    this.vertx = vertx;
    this.allowPrivate = allowPrivate;
    this.own = ownAddresses();
  }

  /** Succeeds when the URL's host may be called; fails with a 400 naming {@code url} otherwise. */
  public Future<Void> check(URI url) {
    if (allowPrivate) {
      return Future.succeededFuture();
    }
    String host = url.getHost().startsWith("[") ? url.getHost().substring(1, url.getHost().length() - 1)
        : url.getHost();
    return vertx.executeBlocking(() -> {
      InetAddress[] addresses;
      try {
        addresses = InetAddress.getAllByName(host);
      } catch (UnknownHostException e) {
        throw ApiException.invalidField("url", "host " + host + " does not resolve");
      }
      for (InetAddress address : addresses) {
        if (isInternal(address) || own.contains(address)) {
          throw ApiException.invalidField("url", "host " + host + " resolves to " + address.getHostAddress()
              + ", a loopback, private, link-local or own address (webhooks.allow_private_targets is off)");
        }
      }
      return null;
    }, false);
  }

  static boolean isInternal(InetAddress address) {
    if (address.isLoopbackAddress() || address.isSiteLocalAddress() || address.isLinkLocalAddress()
        || address.isAnyLocalAddress() || address.isMulticastAddress()) {
      return true;
    }
    byte[] bytes = address.getAddress();
    if (address instanceof Inet4Address) {
      int first = bytes[0] & 0xff;
      int second = bytes[1] & 0xff;
      return first == 0 || (first == 100 && second >= 64 && second < 128) || (first == 169 && second == 254)
          || (first == 198 && (second == 18 || second == 19)) || first >= 240;
    }
    return address instanceof Inet6Address && (bytes[0] & 0xfe) == 0xfc; // fc00::/7, unique local
  }

  private static Set<InetAddress> ownAddresses() {
    Set<InetAddress> addresses = new HashSet<>();
    try {
      for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        addresses.addAll(Collections.list(nic.getInetAddresses()));
      }
    } catch (SocketException e) {
      // no interfaces to list: the other checks still apply
    }
    return addresses;
  }
}
