#!/bin/bash
# selftest.sh - end-to-end check of heartbeat-tests/nova/nova against real Nova:
# bring-up with 2 computes, 3 servers on compute1, compute1 killed and forced
# down, one evacuation per server, all ACTIVE on compute2, the evacuation
# migrations listed, compute1 back, then down with nothing left behind.
#
# Usage: selftest.sh [--fresh] [--keep]
#   --fresh  ignore DB snapshots (measure a cold bring-up)
#   --keep   leave the cloud running at the end (for a post-mortem)
# Environment: LBT_NOVA_STATE (default /tmp/lbt-nova-selftest),
# LBT_NOVA_PORT_BASE (default 63140), so that it can run beside a cloud
# started with the defaults.
#
# Output: TAP-like "ok N - ..." lines, "# name: value" figures, and a last
# line "N passed, N failed". Exit status 0 only if nothing failed.

set -uo pipefail

HERE=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
NOVA=$HERE/nova
export PATH=/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin
export LBT_NOVA_STATE=${LBT_NOVA_STATE:-/tmp/lbt-nova-selftest}
export LBT_NOVA_PORT_BASE=${LBT_NOVA_PORT_BASE:-63140}
MV=2.74

fresh='' keep=''
for a in "$@"; do
	case $a in
	--fresh) fresh=--fresh ;;
	--keep) keep=1 ;;
	*)
		echo "usage: $0 [--fresh] [--keep]" >&2
		exit 2
		;;
	esac
done

N=0 PASS=0 FAIL=0
ok() {
	N=$((N + 1)) PASS=$((PASS + 1))
	echo "ok $N - $*"
}
not_ok() {
	N=$((N + 1)) FAIL=$((FAIL + 1))
	echo "not ok $N - $*"
}
check() { # description command...
	local what=$1
	shift
	if "$@"; then ok "$what"; else not_ok "$what"; fi
}
figure() { echo "# $1: $2"; }
now_ms() { date +%s%3N; }
secs() { awk -v ms="$1" 'BEGIN { printf "%.1f", ms / 1000 }'; }
log() { echo "# $*"; }

finish() {
	echo "$PASS passed, $FAIL failed"
	[ "$FAIL" = 0 ] && [ "$PASS" -gt 0 ]
	exit $?
}

DOWN_DONE=''
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
	[ -n "$DOWN_DONE" ] && return
	DOWN_DONE=1
	if [ -n "$keep" ]; then
		log "--keep: cloud left running in $LBT_NOVA_STATE"
	else
		"$NOVA" down >/dev/null 2>&1 || true
	fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ------------------------------------------------------------ REST helpers

TOKEN_FILE=''
api() { # METHOD PATH [JSON] -> body on stdout; HTTP code in $CODE_FILE
	local method=$1 path=$2 data=${3:-}
	local args=(-s -m 30 -X "$method" -H @"$TOKEN_FILE"
		-H "OpenStack-API-Version: compute $MV" -H "Content-Type: application/json"
		-o "$BODY_FILE" -w '%{http_code}')
	[ -n "$data" ] && args+=(--data "$data")
	curl "${args[@]}" "$LBT_NOVA_COMPUTE_URL$path" >"$CODE_FILE" 2>/dev/null || echo 000 >"$CODE_FILE"
	cat "$BODY_FILE"
}
code() { cat "$CODE_FILE"; }

servers_json() { api GET "/servers/detail?name=^st-" | jq -c '[.servers[] | {id, name, status,
	host: .["OS-EXT-SRV-ATTR:host"], task: .["OS-EXT-STS:task_state"]}]'; }

# wait until every st- server is ACTIVE on host $1 with no task; $2 timeout s
wait_servers() {
	local host=$1 timeout=$2 t0 js
	t0=$(now_ms)
	while :; do
		js=$(servers_json)
		if [ "$(jq --arg h "$host" '[.[] | select(.status == "ACTIVE" and .host == $h and .task == null)] | length' <<<"$js" 2>/dev/null)" = 3 ]; then
			return 0
		fi
		if jq -e 'any(.[]; .status == "ERROR")' <<<"$js" >/dev/null 2>&1; then
			log "a server went to ERROR: $js"
			return 1
		fi
		if (($(now_ms) - t0 > timeout * 1000)); then
			log "timeout; servers: $js"
			return 1
		fi
		sleep 0.2
	done
}

# -------------------------------------------------------------------- test

log "state $LBT_NOVA_STATE, ports $LBT_NOVA_PORT_BASE..$((LBT_NOVA_PORT_BASE + 19))"
"$NOVA" down >/dev/null 2>&1 || true

t0=$(now_ms)
if "$NOVA" up --computes 2 $fresh >"/tmp/lbt-nova-selftest-up.$$.log" 2>&1; then
	t_up=$(($(now_ms) - t0))
	ok "up with 2 computes"
	snap=$(grep -q 'from snapshot' "/tmp/lbt-nova-selftest-up.$$.log" && echo yes || echo no)
	figure "bring-up" "$(secs "$t_up") s (from snapshot: $snap)"
	sed -n 's/.* nova: \(up in .*\); eval.*/# \1/p' "/tmp/lbt-nova-selftest-up.$$.log"
	rm -f "/tmp/lbt-nova-selftest-up.$$.log"
else
	not_ok "up with 2 computes"
	sed 's/^/#   /' "/tmp/lbt-nova-selftest-up.$$.log" | tail -n 40
	rm -f "/tmp/lbt-nova-selftest-up.$$.log"
	finish
fi

eval "$("$NOVA" env)"
BODY_FILE=$LBT_NOVA_STATE/selftest-body
CODE_FILE=$LBT_NOVA_STATE/selftest-code
TOKEN_FILE=$LBT_NOVA_STATE/selftest-token
LBT_NOVA_STATE=$LBT_NOVA_STATE /usr/bin/python3 "$HERE/osctl.py" token "$TOKEN_FILE" ||
	{ not_ok "token"; finish; }

# shellcheck disable=SC2317 # called through check
status_ok() { "$NOVA" status >/dev/null 2>&1; }
check "status reports every service running" status_ok

svc=$(openstack compute service list --service nova-compute -f value -c Host -c State 2>&1 | sort | tr '\n' ' ')
check "compute service list: compute1 and compute2 up ($svc)" test "$svc" = "compute1 up compute2 up "

if openstack flavor create --vcpus 1 --ram 64 --disk 0 st.small >/dev/null 2>&1; then
	ok "flavor st.small created"
else
	not_ok "flavor st.small created"
fi
flavor=$(openstack flavor show st.small -f value -c id 2>/dev/null)
image=$(openstack image show lbt-raw -f value -c id 2>/dev/null)

# three servers, all on compute1 (host= needs microversion 2.74, admin)
t0=$(now_ms)
created=0
for i in 1 2 3; do
	api POST /servers "{\"server\": {\"name\": \"st-$i\", \"flavorRef\": \"$flavor\",
		\"imageRef\": \"$image\", \"networks\": \"none\", \"host\": \"compute1\"}}" >/dev/null
	[ "$(code)" = 202 ] && created=$((created + 1))
done
if [ $created = 3 ] && wait_servers compute1 120; then
	ok "3 servers ACTIVE on compute1"
	figure "3 servers to ACTIVE" "$(secs $(($(now_ms) - t0))) s"
else
	not_ok "3 servers ACTIVE on compute1 ($created created)"
fi

"$NOVA" compute kill 1 2>/dev/null
# shellcheck disable=SC2317 # called through check
compute_gone() { ! "$NOVA" status 2>/dev/null | grep -q "^compute$1 .* running"; }
check "compute kill 1 (SIGKILL, process gone)" compute_gone 1

# the fencing step: force the service down (PUT /os-services/{id}, 2.53+)
t0=$(now_ms)
if openstack --os-compute-api-version 2.53 compute service set --down compute1 nova-compute 2>/dev/null; then
	figure "force-down (openstack CLI)" "$(secs $(($(now_ms) - t0))) s"
	state=$(api GET "/os-services?host=compute1&binary=nova-compute" | jq -r '.services[0] | "\(.state) \(.forced_down)"')
	check "compute1 forced down (state forced_down: $state)" test "$state" = "down true"
else
	not_ok "compute1 forced down"
fi

# exactly one evacuate per server, only if it has no task in progress
t_ev=$(now_ms)
accepted=0
for id in $(servers_json | jq -r '.[] | select(.task == null) | .id'); do
	api POST "/servers/$id/action" '{"evacuate": {}}' >/dev/null
	if [ "$(code)" = 200 ]; then
		accepted=$((accepted + 1))
	else
		log "evacuate $id: HTTP $(code) $(cat "$BODY_FILE")"
	fi
done
check "3 evacuations accepted (HTTP 200 each)" test $accepted = 3
if wait_servers compute2 180; then
	ok "all 3 servers ACTIVE on compute2 after evacuation"
	figure "evacuation (first request to all ACTIVE on compute2)" "$(secs $(($(now_ms) - t_ev))) s"
else
	not_ok "all 3 servers ACTIVE on compute2 after evacuation"
fi

mig=$(api GET "/os-migrations?migration_type=evacuation")
nmig=$(jq '[.migrations[] | select(.source_compute == "compute1" and .dest_compute == "compute2" and .status == "done")] | length' <<<"$mig" 2>/dev/null)
check "GET /os-migrations?migration_type=evacuation: 3 done compute1 -> compute2 ($(jq -c '[.migrations[] | .status]' <<<"$mig" 2>/dev/null))" test "$nmig" = 3

mem=$("$NOVA" status 2>/dev/null | sed -n 's/^memory: //p')
figure "memory (all processes of the cloud)" "$mem"

# compute1 comes back. Order matters: Nova refuses to unset forced_down
# (HTTP 400) while `done` evacuation migrations from the host remain; the
# restarted nova-compute cleans the evacuated servers up and marks them
# `completed`. So: start, wait for completed, then force up.
t0=$(now_ms)
"$NOVA" compute start 1 2>/dev/null
# shellcheck disable=SC2317 # called through check
migrations_completed() {
	local i n
	for ((i = 0; i < 120; i++)); do
		n=$(api GET "/os-migrations?migration_type=evacuation&source_compute=compute1" |
			jq '[.migrations[] | select(.status == "completed")] | length' 2>/dev/null)
		[ "$n" = 3 ] && return 0
		sleep 0.5
	done
	return 1
}
check "compute start 1: its 3 evacuation migrations become completed" migrations_completed
api PUT "/os-services/$(api GET "/os-services?host=compute1&binary=nova-compute" | jq -r '.services[0].id')" \
	'{"forced_down": false}' >/dev/null
check "forced_down unset on compute1 (HTTP $(code))" test "$(code)" = 200
if LBT_NOVA_STATE=$LBT_NOVA_STATE /usr/bin/python3 "$HERE/osctl.py" wait-computes 90 compute1 compute2 2>/dev/null; then
	ok "compute1 up again"
	figure "compute restart to up" "$(secs $(($(now_ms) - t0))) s"
else
	not_ok "compute1 up again"
fi
check "servers still ACTIVE on compute2 after compute1 returned" wait_servers compute2 10

if [ -n "$keep" ]; then
	DOWN_DONE=1
	log "--keep: cloud left running in $LBT_NOVA_STATE"
	finish
fi

ports_in_use() {
	local p
	for ((p = LBT_NOVA_PORT_BASE; p < LBT_NOVA_PORT_BASE + 20; p++)); do
		ss -Hltn "sport = :$p" | grep -q . && echo "$p"
	done
	return 0
}
t0=$(now_ms)
"$NOVA" down >/dev/null 2>&1
rc=$?
DOWN_DONE=1
figure "down" "$(secs $(($(now_ms) - t0))) s"
check "down exits 0" test $rc = 0
left=$(grep -lzxF "LBT_NOVA_TAG=$LBT_NOVA_STATE" /proc/[0-9]*/environ 2>/dev/null |
	cut -d/ -f3 | while read -r p; do
		st=$(awk '/^State:/ { print $2 }' "/proc/$p/status" 2>/dev/null)
		[ -n "$st" ] && [ "$st" != Z ] && echo "$p"
	done | tr '\n' ' ')
check "no process of the cloud left (${left:-none})" test -z "$left"
busy=$(ports_in_use | tr '\n' ' ')
check "no port of the cloud in use (${busy:-none})" test -z "$busy"
check "state dir removed" test ! -e "$LBT_NOVA_STATE"

finish
