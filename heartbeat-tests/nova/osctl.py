#!/usr/bin/python3
"""REST helper for heartbeat-tests/nova/nova: the few OpenStack API calls of a
bring-up, in one Python process each (one `openstack` CLI call costs 1-2 s of
CPU, and a bring-up would need dozens).

Credentials come from the harness's state directory, never from argv:
  $LBT_NOVA_STATE/etc/secrets (mode 600, KEY=VALUE lines) and
  $LBT_NOVA_STATE/config (ports, bind address).

Subcommands:
  keystone-setup            service project, service users, services, endpoints
  image NAME SIZE_MIB        upload a raw image of zeroes unless NAME exists
  flavor NAME VCPUS RAM_MB DISK_GB   create a flavor unless NAME exists
  services [BINARY]         print "id binary host state status forced_down"
  wait-computes TIMEOUT HOST...     wait until the nova-compute services of
                            HOSTs are up (a number N means compute1..N)
  wait-hypervisors TIMEOUT HOST...  wait until HOSTs are hypervisors and
                            resource providers
  token FILE                write "X-Auth-Token: ..." to FILE (mode 600)
"""

import os
import sys
import time

from keystoneauth1 import exceptions as ks_exc
from keystoneauth1 import session as ks_session
from keystoneauth1.identity import v3

STATE = os.environ.get("LBT_NOVA_STATE", "/tmp/lbt-nova")


def read_kv(path):
    out = {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#") or "=" not in line:
                continue
            k, v = line.split("=", 1)
            out[k] = v.strip().strip("'\"")
    return out


CFG = read_kv(os.path.join(STATE, "config"))
SECRETS = read_kv(os.path.join(STATE, "etc", "secrets"))
BIND = CFG["BIND"]
AUTH_URL = "http://%s:%s/v3" % (BIND, CFG["P_KEYSTONE"])
REGION = "RegionOne"
COMPUTE_MV = "2.53"


def session():
    auth = v3.Password(auth_url=AUTH_URL, username="admin",
                       password=SECRETS["ADMIN_PASSWORD"],
                       project_name="admin", user_domain_name="Default",
                       project_domain_name="Default")
    return ks_session.Session(auth=auth)


def ep(service_type):
    return {"service_type": service_type, "interface": "public",
            "region_name": REGION}


def mv_headers():
    return {"OpenStack-API-Version": "compute " + COMPUTE_MV,
            "X-OpenStack-Nova-API-Version": COMPUTE_MV}


# ------------------------------------------------------------- keystone ---

def ks_find(sess, kind, name, **filters):
    params = {"name": name}
    params.update(filters)
    r = sess.get("/%s" % kind, endpoint_filter=ep("identity"), params=params)
    items = r.json()[kind]
    return items[0]["id"] if items else None


def ks_create(sess, kind, body_key, body):
    r = sess.post("/%s" % kind, endpoint_filter=ep("identity"),
                  json={body_key: body})
    return r.json()[body_key]["id"]


def keystone_setup():
    sess = session()
    ports = {
        "compute": ("nova", "http://%s:%s/v2.1" % (BIND, CFG["P_NOVA"])),
        "placement": ("placement", "http://%s:%s" % (BIND, CFG["P_PLACEMENT"])),
        "image": ("glance", "http://%s:%s" % (BIND, CFG["P_GLANCE"])),
        "network": ("neutron", "http://%s:%s" % (BIND, CFG["P_NEUTRON"])),
    }
    domain = "default"
    project = ks_find(sess, "projects", "service", domain_id=domain) or \
        ks_create(sess, "projects", "project",
                  {"name": "service", "domain_id": domain,
                   "description": "lbt-nova service users"})
    admin_role = ks_find(sess, "roles", "admin")
    for stype, (name, url) in ports.items():
        user = ks_find(sess, "users", name, domain_id=domain) or \
            ks_create(sess, "users", "user",
                      {"name": name, "domain_id": domain,
                       "password": SECRETS["SERVICE_PASSWORD"]})
        sess.put("/projects/%s/users/%s/roles/%s" % (project, user, admin_role),
                 endpoint_filter=ep("identity"))
        r = sess.get("/services", endpoint_filter=ep("identity"),
                     params={"type": stype})
        svcs = r.json()["services"]
        svc = svcs[0]["id"] if svcs else ks_create(
            sess, "services", "service", {"name": name, "type": stype,
                                          "enabled": True})
        r = sess.get("/endpoints", endpoint_filter=ep("identity"),
                     params={"service_id": svc})
        have = {e["interface"] for e in r.json()["endpoints"]}
        for iface in ("public", "internal", "admin"):
            if iface not in have:
                ks_create(sess, "endpoints", "endpoint",
                          {"service_id": svc, "interface": iface, "url": url,
                           "region_id": REGION, "enabled": True})
    print("keystone: service project, 4 users, 4 services, 12 endpoints")


# ---------------------------------------------------------------- glance ---

def image(name, size_mib):
    sess = session()
    r = sess.get("/v2/images", endpoint_filter=ep("image"),
                 params={"name": name})
    imgs = r.json()["images"]
    if imgs and imgs[0]["status"] == "active":
        print(imgs[0]["id"])
        return
    if imgs:
        img = imgs[0]["id"]
    else:
        r = sess.post("/v2/images", endpoint_filter=ep("image"),
                      json={"name": name, "disk_format": "raw",
                            "container_format": "bare",
                            "visibility": "public",
                            "min_disk": 0, "min_ram": 0})
        img = r.json()["id"]
    data = b"\0" * (int(size_mib) * 1024 * 1024)
    sess.put("/v2/images/%s/file" % img, endpoint_filter=ep("image"),
             data=data,
             headers={"Content-Type": "application/octet-stream"})
    print(img)


# ------------------------------------------------------------------ nova ---

def flavor(name, vcpus, ram, disk):
    sess = session()
    r = sess.get("/flavors", endpoint_filter=ep("compute"),
                 headers=mv_headers())
    for f in r.json()["flavors"]:
        if f["name"] == name:
            print(f["id"])
            return
    r = sess.post("/flavors", endpoint_filter=ep("compute"),
                  headers=mv_headers(),
                  json={"flavor": {"name": name, "vcpus": int(vcpus),
                                   "ram": int(ram), "disk": int(disk)}})
    print(r.json()["flavor"]["id"])


def list_services(sess, binary=None):
    params = {"binary": binary} if binary else {}
    r = sess.get("/os-services", endpoint_filter=ep("compute"),
                 headers=mv_headers(), params=params)
    return r.json()["services"]


def services(binary=None):
    for s in list_services(session(), binary):
        print(s["id"], s["binary"], s["host"], s["state"], s["status"],
              str(s.get("forced_down")).lower())


def wait_until(what, timeout, fn):
    deadline = time.monotonic() + float(timeout)
    last = None
    while True:
        try:
            ok, last = fn()
        except (ks_exc.ClientException, ValueError, KeyError) as e:
            ok, last = False, "%s: %s" % (type(e).__name__, e)
        if ok:
            return
        if time.monotonic() > deadline:
            sys.stderr.write("timeout waiting for %s (last: %s)\n" % (what, last))
            sys.exit(1)
        time.sleep(1)


def hosts(spec):
    """"3" means compute1..compute3, anything else is a host name"""
    out = set()
    for h in spec:
        out |= {"compute%d" % i for i in range(1, int(h) + 1)} \
            if h.isdigit() else {h}
    return out


def wait_computes(timeout, *spec):
    want = hosts(spec)
    sess = session()

    def check():
        up = {s["host"] for s in list_services(sess, "nova-compute")
              if s["state"] == "up"}
        missing = want - up
        return not missing, "not up: " + " ".join(sorted(missing))
    wait_until("nova-compute services", timeout, check)


def wait_hypervisors(timeout, *spec):
    want = hosts(spec)
    sess = session()

    def check():
        r = sess.get("/os-hypervisors", endpoint_filter=ep("compute"),
                     headers=mv_headers())
        have = {h["hypervisor_hostname"] for h in r.json()["hypervisors"]
                if h.get("state") == "up"}
        r = sess.get("/resource_providers", endpoint_filter=ep("placement"),
                     headers={"OpenStack-API-Version": "placement 1.14"})
        rps = {p["name"] for p in r.json()["resource_providers"]}
        missing = (want - have) | (want - rps)
        return not missing, "missing: " + " ".join(sorted(missing))
    wait_until("hypervisors and resource providers", timeout, check)


def token(path):
    tok = session().get_token()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write("X-Auth-Token: %s\n" % tok)


def main(argv):
    if not argv:
        sys.stderr.write(__doc__)
        return 2
    cmd, args = argv[0], argv[1:]
    table = {
        "keystone-setup": keystone_setup,
        "image": image,
        "flavor": flavor,
        "services": services,
        "wait-computes": wait_computes,
        "wait-hypervisors": wait_hypervisors,
        "token": token,
    }
    if cmd not in table:
        sys.stderr.write(__doc__)
        return 2
    try:
        table[cmd](*args)
    except ks_exc.HttpError as e:
        body = getattr(e, "response", None)
        detail = body.text[:500] if body is not None else ""
        sys.stderr.write("%s: HTTP %s %s %s\n" % (cmd, e.http_status, e, detail))
        return 1
    except ks_exc.ClientException as e:
        sys.stderr.write("%s: %s\n" % (cmd, e))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
