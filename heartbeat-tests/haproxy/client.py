#!/usr/bin/python3
"""Clients for the haproxy tests.

    client.py get PORT [PATH [TIMEOUT]]
                                  one request (3 s timeout); prints "STATUS GEN BODY",
                                  exit 0 on 200
    client.py load PORT STOPFILE PROGRESS [THREADS]
                                  requests on fresh connections, each bounded by a
                                  3 s timeout, until STOPFILE exists; PROGRESS holds
                                  the count so far; prints "ok=N fail=N gens=G,..."
    client.py cli SOCKET COMMAND  one command on a unix socket (stats or master CLI)
"""
import http.client
import os
import socket
import sys
import threading
import time


def get(port, path="/", timeout=3.0):
    """(status, X-Gen header, body) of one request on a new connection."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        return resp.status, resp.getheader("X-Gen", "-"), resp.read().decode().strip()
    finally:
        conn.close()


def load(port, stopfile, progress, threads):
    lock = threading.Lock()
    stats = {"ok": 0, "fail": 0, "errors": [], "gens": []}

    def worker():
        while not os.path.exists(stopfile):
            try:
                status, gen, _ = get(port)
                err = None if status == 200 else "HTTP %d" % status
            except (OSError, http.client.HTTPException) as e:
                gen, err = None, "%s: %s" % (type(e).__name__, e)
            with lock:
                if err is None:
                    stats["ok"] += 1
                    if not stats["gens"] or stats["gens"][-1] != gen:
                        stats["gens"].append(gen)
                else:
                    stats["fail"] += 1
                    if len(stats["errors"]) < 5:
                        stats["errors"].append("%.3f %s" % (time.time(), err))

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for t in pool:
        t.start()
    while any(t.is_alive() for t in pool):
        with lock:
            done = stats["ok"] + stats["fail"]
        with open(progress + ".tmp", "w") as f:
            f.write("%d\n" % done)
        os.rename(progress + ".tmp", progress)
        time.sleep(0.05)
    print("ok=%d fail=%d gens=%s" % (stats["ok"], stats["fail"], ",".join(stats["gens"])))
    for e in stats["errors"]:
        print("error: " + e)
    return 0


def cli(path, command):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(5)
    s.connect(path)
    s.sendall((command + "\n").encode())
    s.shutdown(socket.SHUT_WR)
    out = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        out += chunk
    s.close()
    sys.stdout.write(out.decode())
    return 0


def main(argv):
    if argv[1] == "get":
        try:
            status, gen, body = get(
                int(argv[2]),
                argv[3] if len(argv) > 3 else "/",
                float(argv[4]) if len(argv) > 4 else 3.0,
            )
        except (OSError, http.client.HTTPException) as e:
            print("000 - %s" % e)
            return 1
        print("%d %s %s" % (status, gen, body))
        return 0 if status == 200 else 1
    if argv[1] == "load":
        threads = int(argv[5]) if len(argv) > 5 else 4
        return load(int(argv[2]), argv[3], argv[4], threads)
    if argv[1] == "cli":
        return cli(argv[2], argv[3])
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
