#!/usr/bin/python3
"""faultproxy.py - a fault-injecting HTTP proxy for lifeboat's tests.

Sits between a client under test (NovaEvacuate's engine) and a real service on
this machine (nova-api), and on a configurable share of the requests injects
the failures a client of a real cloud meets:

  error-before  answer 503 without forwarding (a load balancer with no backend)
  error-after   forward, let the service act, answer 502 (the answer is lost)
  reset-before  reset the connection without forwarding
  reset-after   forward, let the service act, reset (the answer is lost)
  stall         wait STALL_S seconds, then forward normally

Every request is logged as one JSON line (t_in: when it came in, t: when it was
done, in epoch ms; method, path, fault, forwarded, status),
so a test can count what really reached the service.

Python 3 standard library only. Bounded: listens on loopback or a Unix socket
only, forwards to a loopback service only, at most --max-conns connections at
a time, exits after --lifetime seconds. It is a test tool: never put it in
front of anything but a test cloud.

Usage:
  faultproxy.py --listen unix:/path/sock | 127.0.0.1:PORT
                --upstream 127.0.0.1:PORT [--config FILE] [--log FILE]
                [--max-conns 64] [--lifetime 14400]

The config file is JSON, re-read when it changes, e.g.
  {"error": 0.1, "reset": 0.1, "stall": 0.1, "stall_s": 5,
   "methods": ["GET", "POST"], "path": "/servers|/os-migrations", "seed": 7}
error, reset and stall are shares of the matching requests (0..1, summed <= 1);
"error" and "reset" are split evenly between their before and after forms
unless "after" (0..1) says what share is after. Without a file: no faults.
"""

import argparse
import json
import os
import random
import re
import signal
import socket
import socketserver
import struct
import sys
import threading
import time

LOOPBACK = ("127.0.0.1", "::1", "localhost")
MAX_HEADER = 64 * 1024
MAX_BODY = 16 * 1024 * 1024
IO_TIMEOUT = 120


class Faults:
    """The fault configuration, re-read from its file when that changes."""

    def __init__(self, path):
        self.path = path
        self.mtime = None
        self.cfg = {}
        self.rng = random.Random()
        self.lock = threading.Lock()

    def _reload(self):
        if not self.path:
            return
        try:
            st = os.stat(self.path)
        except OSError:
            self.cfg, self.mtime = {}, None
            return
        if st.st_mtime_ns == self.mtime:
            return
        try:
            with open(self.path) as f:
                cfg = json.load(f)
        except (OSError, ValueError) as e:
            print("faultproxy: bad config %s: %s" % (self.path, e), file=sys.stderr)
            return
        self.cfg, self.mtime = cfg, st.st_mtime_ns
        if "seed" in cfg:
            self.rng.seed(cfg["seed"])

    def pick(self, method, path):
        """The fault for one request: None or one of the names above."""
        with self.lock:
            self._reload()
            c = self.cfg
            if not c:
                return None, 0
            if c.get("methods") and method not in c["methods"]:
                return None, 0
            if c.get("path") and not re.search(c["path"], path):
                return None, 0
            r = self.rng.random()
            after = self.rng.random() < float(c.get("after", 0.5))
            err, rst, stall = (float(c.get(k, 0)) for k in ("error", "reset", "stall"))
            if r < err:
                return ("error-after" if after else "error-before"), 0
            if r < err + rst:
                return ("reset-after" if after else "reset-before"), 0
            if r < err + rst + stall:
                return "stall", float(c.get("stall_s", 5))
            return None, 0


class Log:
    def __init__(self, path):
        self.f = open(path, "a", buffering=1) if path else None
        self.lock = threading.Lock()

    def write(self, **rec):
        if not self.f:
            return
        rec["t"] = int(time.time() * 1000)
        with self.lock:
            self.f.write(json.dumps(rec, sort_keys=True) + "\n")


def read_request(sock):
    """(method, path, raw bytes with Connection: close) or None at EOF."""
    buf = b""
    while b"\r\n\r\n" not in buf:
        chunk = sock.recv(65536)
        if not chunk:
            return None
        buf += chunk
        if len(buf) > MAX_HEADER:
            raise ValueError("header too large")
    head, rest = buf.split(b"\r\n\r\n", 1)
    lines = head.split(b"\r\n")
    method, path, _ = lines[0].decode("latin-1").split(" ", 2)
    length = 0
    headers = []
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        key = name.strip().lower()
        if key == b"content-length":
            length = int(value.strip())
        if key in (b"connection", b"keep-alive", b"proxy-connection"):
            continue
        headers.append(line)
    if length > MAX_BODY:
        raise ValueError("body too large")
    while len(rest) < length:
        chunk = sock.recv(65536)
        if not chunk:
            raise ValueError("short body")
        rest += chunk
    headers.append(b"Connection: close")
    raw = b"\r\n".join([lines[0]] + headers) + b"\r\n\r\n" + rest[:length]
    return method, path, raw


def forward(upstream, raw):
    """Send @raw to the service and read its whole answer (it closes after it)."""
    host, port = upstream
    with socket.create_connection((host, port), timeout=IO_TIMEOUT) as up:
        up.sendall(raw)
        out = b""
        while True:
            chunk = up.recv(65536)
            if not chunk:
                break
            out += chunk
    return out


def status_of(resp):
    m = re.match(rb"HTTP/\d\.\d (\d{3})", resp)
    return int(m.group(1)) if m else 0


def reset(sock):
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


def error_response(code, text):
    body = json.dumps({"error": {"code": code, "message": "faultproxy: " + text}}).encode()
    return (b"HTTP/1.1 %d %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n"
            b"Connection: close\r\n\r\n" % (code, text.encode(), len(body))) + body


class Handler(socketserver.BaseRequestHandler):
    def handle(self):
        srv = self.server
        sock = self.request
        sock.settimeout(IO_TIMEOUT)
        with srv.slots:
            try:
                req = read_request(sock)
            except (OSError, ValueError) as e:
                srv.log.write(fault="bad-request", error=str(e))
                return
            if not req:
                return
            method, path, raw = req
            t_in = int(time.time() * 1000)
            fault, stall_s = srv.faults.pick(method, path)
            status, forwarded = 0, False
            try:
                if fault == "stall":
                    time.sleep(stall_s)
                if fault in ("error-before", "reset-before"):
                    if fault == "error-before":
                        sock.sendall(error_response(503, "Service Unavailable"))
                        status = 503
                else:
                    resp = forward(srv.upstream, raw)
                    forwarded, status = True, status_of(resp)
                    if fault == "error-after":
                        sock.sendall(error_response(502, "Bad Gateway"))
                    elif fault != "reset-after":
                        sock.sendall(resp)
            except OSError as e:
                srv.log.write(method=method, path=path, fault=fault, error=str(e),
                              forwarded=forwarded, status=status, t_in=t_in)
                return
            srv.log.write(method=method, path=path, fault=fault, forwarded=forwarded,
                          status=status, t_in=t_in)
            if fault in ("reset-before", "reset-after"):
                reset(sock)


# socketserver listens with a backlog of 5: a client that opens dozens of
# connections at once (a benchmark's evacuate requests all at t=0) would have
# the rest refused (a Unix socket does not queue beyond it). --max-conns
# bounds the connections served; the kernel may hold this many waiting.
BACKLOG = 256


class TCPServer(socketserver.ThreadingMixIn, socketserver.TCPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = BACKLOG


class UnixServer(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True
    request_queue_size = BACKLOG


def loopback_addr(s, what):
    host, _, port = s.rpartition(":")
    host = host.strip("[]")
    if host not in LOOPBACK:
        sys.exit("faultproxy: %s %s is not on loopback" % (what, s))
    return host, int(port)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--listen", required=True)
    ap.add_argument("--upstream", required=True)
    ap.add_argument("--config")
    ap.add_argument("--log")
    ap.add_argument("--max-conns", type=int, default=64)
    ap.add_argument("--lifetime", type=int, default=14400)
    a = ap.parse_args()

    upstream = loopback_addr(a.upstream, "upstream")
    if a.listen.startswith("unix:"):
        path = a.listen[5:]
        if os.path.exists(path):
            os.unlink(path)
        old = os.umask(0o177)
        server = UnixServer(path, Handler)
        os.umask(old)
    else:
        server = TCPServer(loopback_addr(a.listen, "listen address"), Handler)
    server.upstream = upstream
    server.faults = Faults(a.config)
    server.log = Log(a.log)
    server.slots = threading.BoundedSemaphore(a.max_conns)

    def stop(*_):
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGALRM, stop)
    signal.alarm(a.lifetime)
    server.serve_forever(poll_interval=0.5)
    server.server_close()
    if a.listen.startswith("unix:"):
        try:
            os.unlink(a.listen[5:])
        except OSError:
            pass


if __name__ == "__main__":
    main()
