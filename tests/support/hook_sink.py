#!/usr/bin/python3
# SPDX-License-Identifier: AGPL-3.0-or-later
"""An HTTP server that keeps every request it receives, for the webhook
delivery tests (tests/http/test_notify_send.c).

usage: hook_sink.py DIR STATUS [--delay SECONDS] [--port N]

Listens on a free loopback port (or N) and writes it to DIR/port once it
accepts connections. Requests already in DIR are kept: numbering goes on
after them. Each request, whatever its method, is stored as DIR/N.json
({"method", "path", "headers": [[name, value], ...], "body"}; the body as
text, decoded as UTF-8) before the answer, which has status STATUS, the
header "Location: /moved" when STATUS is 3xx, and a short text body.
--delay waits that long before answering (for timeouts).
"""
import argparse
import http.server
import json
import os
import threading
import time


def write_atomic(path, data):
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    lock = threading.Lock()
    count = 0

    def handle_any(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length > 0 else b""
        record = {
            "method": self.command,
            "path": self.path,
            "headers": [[k, v] for k, v in self.headers.items()],
            "body": body.decode("utf-8"),
        }
        with Handler.lock:
            Handler.count += 1
            n = Handler.count
        write_atomic(
            os.path.join(self.server.folder, "%d.json" % n),
            json.dumps(record).encode("utf-8"),
        )
        if self.server.delay:
            time.sleep(self.server.delay)
        answer = b"recorded\n"
        self.send_response(self.server.status)
        if 300 <= self.server.status < 400:
            self.send_header("Location", "/moved")
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = handle_any

    def log_message(self, format, *args):
        pass


def main():
    p = argparse.ArgumentParser()
    p.add_argument("dir")
    p.add_argument("status", type=int)
    p.add_argument("--delay", type=float, default=0)
    p.add_argument("--port", type=int, default=0)
    args = p.parse_args()
    Handler.count = sum(1 for f in os.listdir(args.dir) if f.endswith(".json"))
    http.server.ThreadingHTTPServer.allow_reuse_address = True
    server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    server.folder = args.dir
    server.status = args.status
    server.delay = args.delay
    port = server.server_address[1]
    write_atomic(os.path.join(args.dir, "port"), str(port).encode("ascii"))
    server.serve_forever()


if __name__ == "__main__":
    main()
