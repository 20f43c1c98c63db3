#!/usr/bin/env python3
"""The demo image's server. Usage: server.py VERSION

GET /                    says hello (image, version, $GREETING, replica)
GET /healthz             says ok (503 while $HEALTHZ_FAIL is set: a release that runs but fails its checks)
GET /env/NAME            the value of environment variable NAME (404 when unset): shows env and env secrets
GET /secret-file/PATH    the file PATH under $CTRLPLANE_SECRETS_DIR (404 when absent): shows file secrets
"""
import json
import os
import signal
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote

VERSION = sys.argv[1] if len(sys.argv) > 1 else "dev"


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/":
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
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    # SystemExit unwinds serve_forever in the main thread; handler threads are daemons.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(f"hello {VERSION} listening on 127.0.0.1:{port}", flush=True)
    try:
        server.serve_forever()
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
