#!/usr/bin/python3
"""novabench.py - the Nova side of lifeboat's Nova benchmarks
(heartbeat-tests/bench/fence_compute.sh and evacuate.sh): the floors (the
same HTTP requests an agent needs, sent back to back from one warm process
with no agent logic) and the waits, in one process each, Python 3 standard
library only.

Credentials and endpoints come from the environment of
`heartbeat-tests/nova/nova env` (OS_AUTH_URL, OS_USERNAME, OS_PROJECT_NAME,
OS_PASSWORD_FILE, LBT_NOVA_COMPUTE_URL); the password is read from its file,
never from argv. The helper calls (not the floors) reuse the token kept in
NOVABENCH_TOKEN_FILE when that is set. Times are wall milliseconds.

Subcommands:
  rtt N                 N x GET /os-services?binary=nova-compute with one
                        token (Nova's own round trip); one ms value a line
  status-floor HOST N   N x (a new token + GET /os-services?binary=nova-compute
                        &host=HOST with it): what any fresh `status` pays
  off-floor HOST        a new token + that GET + PUT /os-services/{id}
                        forced_down and disabled: what any fresh `off` pays
                        (once: the caller restores the service)
  service HOST          print "state status forced_down" of HOST's nova-compute
  restore HOST          enable HOST's nova-compute and clear forced_down
                        (status first: while forced down no RPC reaches it)
  force-down HOST       force HOST's nova-compute down and disable it
  evacuate-all T0FILE ID...   send every evacuate at once (one thread each),
                        write the epoch ms of the start to T0FILE, print
                        "ID HTTP-status ms" per request; exit 1 unless all 200
  quota-unlimited       no instance, core or RAM quota for the admin project
  aggregate NAME AZ add|remove HOST...
                        create the aggregate (availability zone AZ) unless it
                        exists, then add or remove hosts
  create PREFIX HOST AZ N   N servers PREFIX1..N of flavor lbt.tiny and image
                        lbt-raw (Glance at LBT_GLANCE_URL), no network, on
                        HOST in zone AZ (4 requests at a time)
  ids PREFIX            the ids of the servers named PREFIX*, one a line
  hosts PREFIX          "name status host" of the servers named PREFIX*
  once PREFIX SRC T0MS PROXYLOG
                        exactly one evacuation record from SRC per server
                        PREFIX* (GET /os-migrations) and, in the JSON log of
                        faultproxy.py, exactly one evacuate request that reached
                        Nova per server since T0MS; prints what is not; exit 1
  wait-active PREFIX SRC N T0MS TIMEOUT
                        wait until the N servers named PREFIX* are ACTIVE on
                        hosts other than SRC with no task_state (SRC "none":
                        any host); print the ms since T0MS; exit 1 on timeout
                        or a failed evacuation
"""

import http.client
import json
import os
import sys
import threading
import time
import urllib.parse

MV = "2.74"


def now_ms():
    return time.time() * 1000.0


def split(url):
    u = urllib.parse.urlsplit(url)
    return u.hostname, u.port, u.path.rstrip("/")


def request(url, method, path, body=None, token=None, timeout=120):
    host, port, base = split(url)
    headers = {"Content-Type": "application/json", "Accept": "application/json",
               "OpenStack-API-Version": "compute " + MV,
               "X-OpenStack-Nova-API-Version": MV}
    if token:
        headers["X-Auth-Token"] = token
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        conn.request(method, base + path,
                     json.dumps(body) if body is not None else None, headers)
        resp = conn.getresponse()
        data = resp.read()
        return resp.status, resp.getheader("X-Subject-Token"), data
    finally:
        conn.close()


def login():
    with open(os.environ["OS_PASSWORD_FILE"]) as f:
        password = f.read().strip()
    body = {"auth": {
        "identity": {"methods": ["password"], "password": {"user": {
            "name": os.environ.get("OS_USERNAME", "admin"),
            "domain": {"name": os.environ.get("OS_USER_DOMAIN_NAME", "Default")},
            "password": password}}},
        "scope": {"project": {
            "name": os.environ.get("OS_PROJECT_NAME", "admin"),
            "domain": {"name": os.environ.get("OS_PROJECT_DOMAIN_NAME", "Default")}}}}}
    status, token, data = request(os.environ["OS_AUTH_URL"], "POST", "/auth/tokens", body)
    if status != 201 or not token:
        sys.exit("keystone: HTTP %d %s" % (status, data[:200]))
    return token


def admin_token():
    """A token for the helper calls: the one in NOVABENCH_TOKEN_FILE (mode 600)
    if set and present, so that nova-api validates it once, else a new one
    (written there)."""
    path = os.environ.get("NOVABENCH_TOKEN_FILE")
    if path and os.path.exists(path):
        with open(path) as f:
            return f.read().strip()
    token = login()
    if path:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(token)
    return token


def nova(method, path, token, body=None):
    status, _, data = request(os.environ["LBT_NOVA_COMPUTE_URL"], method, path, body, token)
    if status >= 300:
        sys.exit("nova: %s %s: HTTP %d %s" % (method, path, status, data[:300]))
    return json.loads(data) if data else {}


def service(token, host):
    q = urllib.parse.urlencode({"binary": "nova-compute", "host": host})
    svcs = nova("GET", "/os-services?" + q, token)["services"]
    if not svcs:
        sys.exit("nova: no nova-compute service on %s" % host)
    return svcs[0]


def cmd_rtt(n):
    token = login()
    nova("GET", "/os-services?binary=nova-compute", token)  # warm: token validated
    for _ in range(int(n)):
        t0 = now_ms()
        nova("GET", "/os-services?binary=nova-compute", token)
        print("%.1f" % (now_ms() - t0))


def cmd_status_floor(host, n):
    for _ in range(int(n)):
        t0 = now_ms()
        service(login(), host)
        print("%.1f" % (now_ms() - t0))


def cmd_off_floor(host):
    t0 = now_ms()
    token = login()
    svc = service(token, host)
    nova("PUT", "/os-services/%s" % svc["id"], token,
         {"forced_down": True, "status": "disabled", "disabled_reason": "novabench floor"})
    print("%.1f" % (now_ms() - t0))


def cmd_service(host):
    s = service(admin_token(), host)
    print(s["state"], s["status"], str(s["forced_down"]).lower())


def cmd_restore(host):
    token = admin_token()
    sid = service(token, host)["id"]
    nova("PUT", "/os-services/%s" % sid, token, {"forced_down": True})
    nova("PUT", "/os-services/%s" % sid, token, {"status": "enabled"})
    nova("PUT", "/os-services/%s" % sid, token, {"forced_down": False})


def cmd_force_down(host):
    token = admin_token()
    sid = service(token, host)["id"]
    nova("PUT", "/os-services/%s" % sid, token,
         {"forced_down": True, "status": "disabled", "disabled_reason": "novabench"})


def cmd_evacuate_all(t0file, *ids):
    token = admin_token()
    results = {}
    start = threading.Event()

    def one(sid):
        start.wait()
        t = now_ms()
        try:
            status, _, _ = request(os.environ["LBT_NOVA_COMPUTE_URL"], "POST",
                                   "/servers/%s/action" % sid, {"evacuate": {}}, token)
        except OSError as e:
            status = "error:%s" % e
        results[sid] = (status, now_ms() - t)

    threads = [threading.Thread(target=one, args=(i,)) for i in ids]
    for t in threads:
        t.start()
    with open(t0file, "w") as f:
        f.write("%d\n" % now_ms())
    start.set()
    for t in threads:
        t.join()
    bad = 0
    for sid in ids:
        status, ms = results[sid]
        print(sid, status, "%.0f" % ms)
        bad += status != 200
    return 1 if bad else 0


def cmd_quota_unlimited():
    token = admin_token()
    # the project of our own token: validate it against itself
    host, port, base = split(os.environ["OS_AUTH_URL"])
    conn = http.client.HTTPConnection(host, port, timeout=60)
    conn.request("GET", base + "/auth/tokens?nocatalog",
                 headers={"X-Auth-Token": token, "X-Subject-Token": token})
    project = json.loads(conn.getresponse().read())["token"]["project"]["id"]
    conn.close()
    nova("PUT", "/os-quota-sets/%s" % project, token,
         {"quota_set": {"instances": -1, "cores": -1, "ram": -1}})


def cmd_aggregate(name, az, what, *hosts):
    token = admin_token()
    aggs = [a for a in nova("GET", "/os-aggregates", token)["aggregates"]
            if a["name"] == name]
    agg = aggs[0] if aggs else nova("POST", "/os-aggregates", token, {
        "aggregate": {"name": name, "availability_zone": az}})["aggregate"]
    for h in hosts:
        if (what == "add") == (h in agg.get("hosts", [])):
            continue
        nova("POST", "/os-aggregates/%s/action" % agg["id"], token,
             {what + "_host": {"host": h}})


def cmd_create(prefix, host, az, n):
    token = admin_token()
    flavor = [f["id"] for f in nova("GET", "/flavors", token)["flavors"]
              if f["name"] == "lbt.tiny"][0]
    status, _, data = request(os.environ["LBT_GLANCE_URL"], "GET",
                              "/v2/images?name=lbt-raw", token=token)
    image = json.loads(data)["images"][0]["id"]
    names = ["%s%d" % (prefix, i) for i in range(1, int(n) + 1)]
    errors = []

    def worker():
        while names:
            try:
                name = names.pop(0)
            except IndexError:
                return
            st, _, d = request(os.environ["LBT_NOVA_COMPUTE_URL"], "POST", "/servers", {
                "server": {"name": name, "flavorRef": flavor, "imageRef": image,
                           "networks": "none", "availability_zone": az, "host": host}}, token)
            if st != 202:
                errors.append("%s: HTTP %d %s" % (name, st, d[:200]))

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        sys.exit("create: " + "; ".join(errors))


def servers_named(token, prefix):
    q = urllib.parse.urlencode({"all_tenants": 1, "name": "^" + prefix})
    return nova("GET", "/servers/detail?" + q, token)["servers"]


def cmd_ids(prefix):
    for s in servers_named(admin_token(), prefix):
        print(s["id"])


def cmd_hosts(prefix):
    for s in servers_named(admin_token(), prefix):
        print(s["name"], s["status"], s.get("OS-EXT-SRV-ATTR:host"))


def cmd_once(prefix, src, t0ms, proxylog):
    token = admin_token()
    ids = {s["id"]: s["name"] for s in servers_named(token, prefix)}
    q = urllib.parse.urlencode({"migration_type": "evacuation", "source_compute": src})
    records = {}
    for m in nova("GET", "/os-migrations?" + q, token)["migrations"]:
        records[m["instance_uuid"]] = records.get(m["instance_uuid"], 0) + 1
    posts = {}
    with open(proxylog) as f:
        for line in f:
            r = json.loads(line)
            path = r.get("path", "")
            if (r.get("method") == "POST" and r.get("forwarded") and r.get("t_in", 0) >= float(t0ms)
                    and path.endswith("/action") and "/servers/" in path):
                sid = path.split("/servers/")[1].split("/")[0]
                posts[sid] = posts.get(sid, 0) + 1
    bad = ["%s: %d records, %d requests" % (ids[i], records.get(i, 0), posts.get(i, 0))
           for i in sorted(ids) if records.get(i, 0) != 1 or posts.get(i, 0) != 1]
    for line in bad:
        print(line)
    return 1 if bad or not ids else 0


def detail_done(token, prefix, src, n):
    """(all N of PREFIX* ACTIVE off SRC with no task, what is not)"""
    servers = servers_named(token, prefix)
    done = [x for x in servers if x["status"] == "ACTIVE"
            and x.get("OS-EXT-SRV-ATTR:host") != src
            and x.get("OS-EXT-STS:task_state") is None]
    rest = " ".join(sorted("%s:%s@%s/%s" % (x["name"], x["status"],
                                           x.get("OS-EXT-SRV-ATTR:host"),
                                           x.get("OS-EXT-STS:task_state"))
                           for x in servers if x not in done))
    return len(done) == int(n) and len(servers) == int(n), rest


def cmd_wait_active(prefix, src, n, t0ms, timeout):
    """Polls GET /os-migrations (30-50 ms in nova-api) rather than the servers'
    details (about 1 s of nova-api's CPU for 50 servers, which would slow down
    what is measured): Nova marks an evacuation's record 'done' after the
    server is ACTIVE on its new host (ResourceTracker.finish_evacuation). One
    detail listing then confirms; only if it disagrees are the details polled."""
    token = admin_token()
    deadline = time.monotonic() + float(timeout)
    rest = ""
    if src != "none":
        q = urllib.parse.urlencode({"all_tenants": 1, "name": "^" + prefix})
        ids = {x["id"] for x in nova("GET", "/servers?" + q, token)["servers"]}
        mq = urllib.parse.urlencode({"migration_type": "evacuation", "source_compute": src})
        while time.monotonic() < deadline:
            migs = nova("GET", "/os-migrations?" + mq, token)["migrations"]
            done = {m["instance_uuid"] for m in migs
                    if m["instance_uuid"] in ids and m["status"] in ("done", "completed")}
            bad = [m for m in migs if m["instance_uuid"] in ids
                   and m["status"] in ("failed", "error")]
            if bad:
                sys.stderr.write("evacuation failed: %s\n" % " ".join(
                    "%s:%s" % (m["instance_uuid"], m["status"]) for m in bad))
                return 1
            if len(done) == len(ids) == int(n):
                seen = now_ms()
                ok, rest = detail_done(token, prefix, src, n)
                if ok:
                    print("%.0f" % (seen - float(t0ms)))
                    return 0
                break
            time.sleep(0.25)
    while time.monotonic() < deadline:
        ok, rest = detail_done(token, prefix, src, n)
        if ok:
            print("%.0f" % (now_ms() - float(t0ms)))
            return 0
        time.sleep(2 if src == "none" else 1)
    sys.stderr.write("timeout: not done: %s\n" % rest[:2000])
    return 1


def main(argv):
    table = {"rtt": cmd_rtt, "status-floor": cmd_status_floor,
             "off-floor": cmd_off_floor, "service": cmd_service,
             "restore": cmd_restore, "force-down": cmd_force_down,
             "evacuate-all": cmd_evacuate_all, "wait-active": cmd_wait_active,
             "quota-unlimited": cmd_quota_unlimited, "aggregate": cmd_aggregate,
             "create": cmd_create, "ids": cmd_ids, "hosts": cmd_hosts, "once": cmd_once}
    if not argv or argv[0] not in table:
        sys.stderr.write(__doc__)
        return 2
    return table[argv[0]](*argv[1:]) or 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
