package dev.ctrlplane.health;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientOptions;
import io.vertx.grpc.common.GrpcStatus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * {@code grpc}: the standard {@code grpc.health.v1.Health/Check} over plain-text HTTP/2; healthy when the server
 * answers {@code SERVING}. The two messages are one field each, so they are encoded here rather than generated.
 */
final class GrpcProbe {

  static final String METHOD = "grpc.health.v1.Health/Check";
  private static final String[] STATUSES = {"UNKNOWN", "SERVING", "NOT_SERVING", "SERVICE_UNKNOWN"};

  private final Vertx vertx;
  private final GrpcClient client;

  GrpcProbe(Vertx vertx) {
    this.vertx = vertx;
    this.client = GrpcClient.client(vertx, new GrpcClientOptions(), new HttpClientOptions().setHttp2ClearTextUpgrade(false));
  }

  Future<ProbeResult> probe(String host, int port, String service, Duration timeout) {
    return Attempt.run(vertx, timeout, attempt -> client.request(SocketAddress.inetSocketAddress(port, host))
        .compose(request -> {
          attempt.onTimeout(request::cancel);
          request.fullMethodName(METHOD).timeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
          return request.send(encodeRequest(service));
        })
        .compose(response -> response.last().map(body -> {
          if (response.status() != null && response.status() != GrpcStatus.OK) {
            attempt.failed(null, "grpc status " + response.status() + statusMessage(response.statusMessage()));
            return null;
          }
          int status = decodeStatus(body);
          String name = status >= 0 && status < STATUSES.length ? STATUSES[status] : "status " + status;
          if (status == 1) {
            attempt.passed(null, name);
          } else {
            attempt.failed(null, name);
          }
          return null;
        }))
        .onFailure(attempt::failed));
  }

  Future<Void> close() {
    return client.close();
  }

  /** {@code HealthCheckRequest{service = 1}}: empty for the server as a whole. */
  static Buffer encodeRequest(String service) {
    Buffer out = Buffer.buffer();
    if (service != null && !service.isEmpty()) {
      byte[] bytes = service.getBytes(StandardCharsets.UTF_8);
      out.appendByte((byte) 0x0a);
      writeVarint(out, bytes.length);
      out.appendBytes(bytes);
    }
    return out;
  }

  /** The {@code status} (field 1, varint) of a {@code HealthCheckResponse}; 0 (UNKNOWN) when absent. */
  static int decodeStatus(Buffer body) {
    int pos = 0;
    while (body != null && pos < body.length()) {
      long[] tag = readVarint(body, pos);
      pos = (int) tag[1];
      int field = (int) (tag[0] >>> 3);
      int wire = (int) (tag[0] & 7);
      if (wire == 0) {
        long[] value = readVarint(body, pos);
        pos = (int) value[1];
        if (field == 1) {
          return (int) value[0];
        }
      } else if (wire == 2) {
        long[] length = readVarint(body, pos);
        pos = (int) length[1] + (int) length[0];
      } else if (wire == 5) {
        pos += 4;
      } else if (wire == 1) {
        pos += 8;
      } else {
        return 0;
      }
    }
    return 0;
  }

  private static void writeVarint(Buffer out, int value) {
    int v = value;
    while ((v & ~0x7f) != 0) {
      out.appendByte((byte) ((v & 0x7f) | 0x80));
      v >>>= 7;
    }
    out.appendByte((byte) v);
  }

  /** {value, next position}. */
  private static long[] readVarint(Buffer in, int start) {
    long value = 0;
    int shift = 0;
    int pos = start;
    while (pos < in.length() && shift < 64) {
      byte b = in.getByte(pos++);
      value |= (long) (b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        break;
      }
      shift += 7;
    }
    return new long[] {value, pos};
  }

  private static String statusMessage(String message) {
    return message == null || message.isEmpty() ? "" : ": " + message;
  }
}
