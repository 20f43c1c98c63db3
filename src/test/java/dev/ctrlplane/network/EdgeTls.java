package dev.ctrlplane.network;

import dev.ctrlplane.support.Api;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * HTTPS requests through the edge router as a browser makes them: TLS to 127.0.0.1 with the hostname as SNI,
 * trusting only the given root and checking the certificate against the hostname (endpoint identification).
 */
public final class EdgeTls {

  /** The answer, and the certificate the edge presented. */
  public record Answer(Api.Response response, X509Certificate leaf) {}

  private EdgeTls() {}

  public static Answer get(int port, String hostname, X509Certificate root, String target) {
    try (Socket plain = new Socket()) {
      plain.connect(new InetSocketAddress("127.0.0.1", port), 5000);
      plain.setSoTimeout(20_000);
      try (SSLSocket tls = (SSLSocket) context(root).getSocketFactory().createSocket(plain, hostname, port, true)) {
        SSLParameters parameters = tls.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        tls.setSSLParameters(parameters);
        tls.startHandshake();
        X509Certificate leaf = (X509Certificate) tls.getSession().getPeerCertificates()[0];
        OutputStream out = tls.getOutputStream();
        out.write(("GET " + target + " HTTP/1.1\r\nHost: " + hostname + "\r\nConnection: close\r\n\r\n")
            .getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return new Answer(EdgeHttp.parse("GET https://" + hostname + target, EdgeHttp.readAll(tls.getInputStream())),
            leaf);
      }
    } catch (IOException e) {
      throw new IllegalStateException("https://" + hostname + target + ": " + e, e);
    }
  }

  private static SSLContext context(X509Certificate root) {
    try {
      KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
      trusted.load(null, null);
      trusted.setCertificateEntry("root", root);
      TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(trusted);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
