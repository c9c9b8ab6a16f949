#!/bin/bash
# The README's demo command: install dependencies, build lifeboat, then run the
# narrated demo (a real 3-node Pacemaker cluster plus a remote node managing a
# real QEMU guest through ocf:lifeboat:VirtualDomain: a live migration, a QEMU
# crash, a node failure with its fencing and the recovery).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
[ "$(id -u)" = 0 ] || { echo "demo: run as root (it starts corosync, pacemaker and libvirtd)" >&2; exit 1; }
echo "[demo] installing dependencies and building lifeboat (first run takes a few minutes)"
"$top/scripts/deps.sh"
"$top/scripts/build.sh" "$top/build" >/dev/null
LB_OCF_DIR="$top/build/agents" exec "$top/demo/demo.sh"
