#!/usr/bin/python3
"""A stand-in for Keystone's POST /v3/auth/tokens, for the fence protocol tests.

It only records what an agent sends and answers as Keystone does when it
refuses a login, so a test can see which options reached the login request
(the real services are exercised by heartbeat-tests/fence/nova.sh).

    fake-keystone.py PORTFILE RECORDFILE MODE
MODE: reject (401 with Keystone's message) or stall (accept, never answer).
The chosen port is written to PORTFILE; each request body is appended to
RECORDFILE as one JSON line.
"""
import http.server
import json
import os
import sys
import time

PORTFILE, RECORD, MODE = sys.argv[1], sys.argv[2], sys.argv[3]


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        with open(RECORD, "a") as f:
            f.write(json.dumps({"path": self.path, "body": body.decode(errors="replace")}) + "\n")
        if MODE == "stall":
            time.sleep(3600)
        msg = json.dumps({"error": {"code": 401, "title": "Unauthorized",
                                    "message": "The request you have made requires "
                                               "authentication."}}).encode()
        self.send_response(401)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(msg)))
        self.end_headers()
        self.wfile.write(msg)


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
with open(PORTFILE + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
# renamed last: the port file appears complete
os.rename(PORTFILE + ".tmp", PORTFILE)
server.serve_forever()
