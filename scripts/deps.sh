#!/bin/bash
# Install what lifeboat needs to build, test and demo on Debian 12 (as root).
# Build dependencies are listed here; test-only runtime packages come from
# heartbeat-tests/deps.txt, one package per line. Extra lists are named as
# arguments: `deps.sh nova` adds heartbeat-tests/deps-nova.txt (OpenStack).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)

build_deps=(build-essential autoconf automake pkg-config
	pacemaker-dev libcpg-dev libquorum-dev libvirt-dev libcurl4-openssl-dev
	libjansson-dev libxml2-dev check libxml2-utils xsltproc libmariadb-dev)
lists=("$top/heartbeat-tests/deps.txt")
for extra in "$@"; do
	lists+=("$top/heartbeat-tests/deps-$extra.txt")
done
mapfile -t test_deps < <(cat "${lists[@]}" | grep -v '^\s*#' | awk 'NF{print $1}')

missing=()
for p in "${build_deps[@]}" "${test_deps[@]}"; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
	exit 0
fi
if [ "$(id -u)" != 0 ]; then
	echo "deps.sh: missing packages (run as root to install): ${missing[*]}" >&2
	exit 1
fi
echo "deps.sh: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
