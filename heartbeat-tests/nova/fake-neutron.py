#!/usr/bin/python3
"""A stand-in for Neutron, just enough for Nova Zed with the fake virt driver.

Nova always asks Neutron about ports, networks and extensions while it builds,
rebuilds (evacuates) and deletes servers, even when a server has no network
(servers are created with networks=none). Empty lists are enough for that.
Anything else gets 404 so that a new, unexpected call shows up in the log.

Usage: fake-neutron.py --bind ADDR --port PORT [--pidfile FILE]
"""

import argparse
import json
import os
import signal
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

EMPTY = {
    "/v2.0/ports": "ports",
    "/v2.0/networks": "networks",
    "/v2.0/extensions": "extensions",
    "/v2.0/security-groups": "security_groups",
    "/v2.0/floatingips": "floatingips",
    "/v2.0/subnets": "subnets",
}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "lbt-fake-neutron/1"

    def _send(self, code, body):
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(data)
        self.close_connection = True

    def _path(self):
        path = urlsplit(self.path).path.rstrip("/")
        if path.endswith(".json"):
            path = path[:-5]
        return path

    def do_GET(self):  # noqa: N802 (http.server API)
        path = self._path()
        if path in ("", "/"):
            self._send(200, {"versions": [{"id": "v2.0", "status": "CURRENT",
                                           "links": []}]})
        elif path == "/v2.0":
            self._send(200, {"resources": []})
        elif path in EMPTY:
            self._send(200, {EMPTY[path]: []})
        else:
            self._send(404, {"NeutronError": {"type": "NotFound",
                                              "message": "fake neutron: " + path,
                                              "detail": ""}})

    def do_DELETE(self):  # noqa: N802
        self._send(404, {"NeutronError": {"type": "NotFound",
                                          "message": "fake neutron",
                                          "detail": ""}})

    def log_message(self, fmt, *args):
        sys.stderr.write("%s %s\n" % (self.log_date_time_string(), fmt % args))
        sys.stderr.flush()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bind", default="127.0.0.1")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--pidfile")
    args = ap.parse_args()
    ThreadingHTTPServer.allow_reuse_address = True
    ThreadingHTTPServer.daemon_threads = True
    srv = ThreadingHTTPServer((args.bind, args.port), Handler)
    if args.pidfile:
        with open(args.pidfile, "w") as f:
            f.write("%d\n" % os.getpid())
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        srv.serve_forever()
    finally:
        srv.server_close()


if __name__ == "__main__":
    main()
