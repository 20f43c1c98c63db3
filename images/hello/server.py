#!/usr/bin/env python3
"""The demo image's server: GET / says hello, GET /healthz says ok. Usage: server.py VERSION"""
import json
import os
import signal
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

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
            self.reply(200, "text/plain", "ok")
        else:
            self.reply(404, "text/plain", "not found")

    def reply(self, status, content_type, body):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, fmt, *args):
        print(f"{self.address_string()} {fmt % args}", flush=True)


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
