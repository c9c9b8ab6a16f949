#!/usr/bin/python3
"""A backend server for the haproxy tests: HTTP/1.0 on 127.0.0.1:PORT.

    backend.py PORT NAME

GET / answers "backend NAME"; GET /slow?ms=N answers the same after N ms.
"""
import http.server
import sys
import time
import urllib.parse


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"

    def do_GET(self):  # noqa: N802 (http.server's naming)
        url = urllib.parse.urlparse(self.path)
        if url.path == "/slow":
            ms = int(urllib.parse.parse_qs(url.query).get("ms", ["1000"])[0])
            time.sleep(ms / 1000)
        body = ("backend %s\n" % NAME).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class Server(http.server.ThreadingHTTPServer):
    allow_reuse_address = True
    daemon_threads = True


NAME = sys.argv[2]
Server(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
