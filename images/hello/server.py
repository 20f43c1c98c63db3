#!/usr/bin/env python3
"""The demo image's server. Usage: server.py VERSION

GET /                    says hello (image, version, $GREETING, replica)
GET /healthz             says ok (503 while $HEALTHZ_FAIL is set: a release that runs but fails its checks)
GET /env/NAME            the value of environment variable NAME (404 when unset): shows env and env secrets
GET /secret-file/PATH    the file PATH under $CTRLPLANE_SECRETS_DIR (404 when absent): shows file secrets
GET .../headers[/...]   the request as received: method, path, headers (shows what the edge router forwards)
POST /echo[/...]         the request body, streamed back (Content-Length or chunked in, same length out)
GET /ws                  a WebSocket that sends every text or binary message back
GET /slow?ms=N           answers after N milliseconds
"""
import base64
import hashlib
import json
import os
import signal
import struct
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote

VERSION = sys.argv[1] if len(sys.argv) > 1 else "dev"


WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        if self.path == "/ws" and self.headers.get("Upgrade", "").lower() == "websocket":
            self.websocket()
        elif "/headers/" in self.path.split("?")[0] + "/":  # /headers, also under any prefix
            self.reply(200, "application/json", json.dumps({
                "method": self.command,
                "path": self.path,
                "replica": int(os.environ.get("CTRLPLANE_REPLICA", "0")),
                "release": os.environ.get("CTRLPLANE_RELEASE_ID", ""),
                "instance": os.environ.get("CTRLPLANE_INSTANCE_ID", ""),
                "headers": {k.lower(): v for k, v in self.headers.items()},
            }))
        elif self.path.startswith("/slow"):
            ms = int(self.path.partition("ms=")[2] or "1000")
            time.sleep(ms / 1000.0)
            self.reply(200, "text/plain", "slow")
        elif self.path == "/":
            self.reply(200, "application/json", json.dumps({
                "image": "hello",
                "version": VERSION,
                "greeting": os.environ.get("GREETING", "hello"),
                "replica": int(os.environ.get("CTRLPLANE_REPLICA", "0")),
            }))
        elif self.path == "/healthz":
            if os.environ.get("HEALTHZ_FAIL"):
                self.reply(503, "text/plain", "failing: HEALTHZ_FAIL is set")
            else:
                self.reply(200, "text/plain", "ok")
        elif self.path.startswith("/env/"):
            self.reply_text(os.environ.get(unquote(self.path[len("/env/"):])))
        elif self.path.startswith("/secret-file/"):
            self.reply_text(read_secret_file(unquote(self.path[len("/secret-file/"):])))
        else:
            self.reply(404, "text/plain", "not found")

    def do_POST(self):
        if not self.path.startswith("/echo"):
            self.reply(404, "text/plain", "not found")
            return
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            while True:
                size = int(self.rfile.readline().strip().split(b";")[0], 16)
                if size == 0:
                    self.rfile.readline()
                    break
                chunk = self.rfile.read(size)
                self.rfile.readline()
                self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            self.wfile.write(b"0\r\n\r\n")
            return
        length = int(self.headers.get("Content-Length", "0"))
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(length))
        self.end_headers()
        while length > 0:
            chunk = self.rfile.read(min(length, 65536))
            if not chunk:
                break
            self.wfile.write(chunk)
            length -= len(chunk)

    def websocket(self):
        accept = base64.b64encode(hashlib.sha1(
            (self.headers["Sec-WebSocket-Key"] + WS_GUID).encode()).digest()).decode()
        self.send_response(101, "Switching Protocols")
        self.send_header("Upgrade", "websocket")
        self.send_header("Connection", "Upgrade")
        self.send_header("Sec-WebSocket-Accept", accept)
        self.end_headers()
        self.wfile.flush()
        while True:
            head = self.rfile.read(2)
            if len(head) < 2:
                return
            opcode = head[0] & 0x0F
            length = head[1] & 0x7F
            if length == 126:
                length = struct.unpack(">H", self.rfile.read(2))[0]
            elif length == 127:
                length = struct.unpack(">Q", self.rfile.read(8))[0]
            mask = self.rfile.read(4) if head[1] & 0x80 else b"\0\0\0\0"
            data = bytearray(self.rfile.read(length))
            for i in range(len(data)):
                data[i] ^= mask[i % 4]
            if opcode == 8:  # close: answer it and end
                self.wfile.write(bytes([0x88, 0]))
                self.wfile.flush()
                self.close_connection = True
                return
            if opcode == 9:  # ping: pong
                opcode = 10
            frame = bytearray([0x80 | opcode])
            if len(data) < 126:
                frame.append(len(data))
            elif len(data) < 65536:
                frame += bytes([126]) + struct.pack(">H", len(data))
            else:
                frame += bytes([127]) + struct.pack(">Q", len(data))
            self.wfile.write(bytes(frame) + bytes(data))
            self.wfile.flush()

    def reply_text(self, value):
        if value is None:
            self.reply(404, "text/plain", "not found")
        else:
            self.reply(200, "text/plain; charset=utf-8", value)

    def reply(self, status, content_type, body):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, fmt, *args):
        print(f"{self.address_string()} {fmt % args}", flush=True)


def read_secret_file(relative):
    """The file's text, or None when it is absent or not under $CTRLPLANE_SECRETS_DIR."""
    base = os.environ.get("CTRLPLANE_SECRETS_DIR")
    if not base:
        return None
    base = os.path.realpath(base)
    path = os.path.realpath(os.path.join(base, relative))
    if not path.startswith(base + os.sep) or not os.path.isfile(path):
        return None
    with open(path, encoding="utf-8") as f:
        return f.read()


def main():
    port = int(os.environ.get("PORT", "8080"))
    host = os.environ.get("HOST", "127.0.0.1")
    server = ThreadingHTTPServer((host, port), Handler)
    server.daemon_threads = True
    # SystemExit unwinds serve_forever in the main thread; handler threads are daemons.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(f"hello {VERSION} listening on {host}:{port}", flush=True)
    try:
        server.serve_forever()
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
