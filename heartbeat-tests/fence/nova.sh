#!/bin/bash
# shellcheck disable=SC2317 # the test helpers are called through "ok"
# nova.sh - fence_compute against a real Nova (heartbeat-tests/nova/nova) and a
# real attrd (a single-node Pacemaker from heartbeat-tests/lib/pcmk1.sh).
#
# The cluster's node is named compute1, like the Nova host it fences. It runs
# in private namespaces (network included); Keystone's and Nova's ports are
# carried into them over Unix sockets by socat, so the agent reaches the
# catalog's 127.0.0.1 URLs unchanged. Checks: status/list/monitor, off (service
# forced down and disabled as the openstack CLI sees it, evacuate=yes in
# attrd), the status mapping of fence_compute.py, on waiting for evacuate to
# leave "yes" and then bringing the service back, the pre-2.53 API, a wrong
# password, an unknown host, FQDN plugs, and valgrind. Output is TAP, ending
# with "N passed, M failed".
#
# Usage (root): heartbeat-tests/fence/nova.sh
#   FENCE_COMPUTE=path   the agent (default $top_builddir/fence/fence_compute)
#   LBT_NOVA_STATE=dir   use this running cloud (services are put back at the end);
#                        otherwise one is brought up in /tmp/lb-fence-nova and
#                        taken down again (LB_FENCE_NOVA_PORT_BASE, default 63240)
#   LB_KEEP=1            keep the work directories
set -u
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
here=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
novah=$here/../nova/nova
# shellcheck source=heartbeat-tests/lib/pcmk1.sh
. "$here/../lib/pcmk1.sh"

# ---------------------------------------------------------------- outside
if [ "${1:-}" != --inside ]; then
	pcmk1_check_tools attrd_updater socat || exit 77
	[ -x "$novah" ] || { echo "1..0 # SKIP no Nova harness ($novah)"; exit 77; }
	agent=${FENCE_COMPUTE:-${top_builddir:-.}/fence/fence_compute}
	[ -x "$agent" ] || { echo "Bail out! $agent not built (make fence/fence_compute)"; exit 99; }
	agent=$(readlink -f "$agent")
	# shellcheck source=heartbeat-tests/lib/novacloud.sh
	. "$here/../lib/novacloud.sh"
	lbt_nova_cloud /tmp/lb-fence-nova "${LB_FENCE_NOVA_PORT_BASE:-63240}" --computes 2 ||
		{ echo "0 passed, 1 failed"; exit 1; }
	ks_port=${OS_AUTH_URL#http://127.0.0.1:}
	ks_port=${ks_port%%/*}
	nova_port=${LBT_NOVA_COMPUTE_URL#http://127.0.0.1:}
	nova_port=${nova_port%%/*}
	socks=$(mktemp -d /tmp/lb-fence-socks.XXXXXX)
	fwd=()
	for p in "$ks_port" "$nova_port"; do
		socat "UNIX-LISTEN:$socks/$p.sock,fork,mode=600" "TCP:127.0.0.1:$p" 2>/dev/null &
		fwd+=($!)
	done
	# shellcheck disable=SC2317 # the EXIT trap
	outside_cleanup() {
		local p
		for p in "${fwd[@]}"; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
		rm -rf "$socks"
		if ! lbt_nova_release; then
			# not ours: put both computes back as they were: enabled while forced
			# down (no RPC to the host), then up
			for h in compute1 compute2; do
				for o in --down --enable --up; do
					"$novah" openstack --os-compute-api-version 2.53 compute service set \
						"$o" "$h" nova-compute >/dev/null 2>&1
				done
			done
		fi
	}
	trap outside_cleanup EXIT
	pcmk1_reexec "$0" "$agent" "$socks" "$ks_port" "$nova_port"
fi

# ---------------------------------------------------------------- inside (PID 1 of its namespace)
work=$2 agent=$3 socks=$4 ks_port=$5 nova_port=$6
node=compute1
pass=0 fail=0 num=0
fwd_pids=()

log() { printf '# %s\n' "$*"; }
# shellcheck source=heartbeat-tests/lib/tap.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/tap.sh"
skip() { num=$((num + 1)) pass=$((pass + 1)); echo "ok $num - $1 # SKIP $2"; }
finish() {
	local p
	for p in "${fwd_pids[@]}"; do kill "$p" 2>/dev/null; done
	pcmk1_stop
	echo "1..$num"
	echo "$pass passed, $fail failed"
	[ "$fail" = 0 ] && [ "$num" -gt 0 ]
	exit $?
}
trap finish TERM INT

if ! pcmk1_setup "$work" "$node" || ! pcmk1_start 90; then
	echo "Bail out! $node not online (see $work)"
	num=$((num + 1)) fail=$((fail + 1))
	finish
fi
for p in "$ks_port" "$nova_port"; do
	socat "TCP-LISTEN:$p,bind=127.0.0.1,fork,reuseaddr" "UNIX-CONNECT:$socks/$p.sock" 2>/dev/null &
	fwd_pids+=($!)
done
sleep 0.3
log "$node online after ${SECONDS}s; Keystone :$ks_port and Nova :$nova_port forwarded"
if ! /usr/bin/python3 "$here/../nova/osctl.py" token "$work/token" >/dev/null 2>&1; then
	echo "Bail out! no token from Keystone through the forwarders"
	num=$((num + 1)) fail=$((fail + 1))
	finish
fi

url=$OS_AUTH_URL
password=$(cat "$OS_PASSWORD_FILE")
# conf [KEY=VALUE...]: the stonith device's options as Pacemaker passes them on stdin
conf() {
	printf 'auth-url=%s\nlogin=%s\npasswd=%s\ntenant-name=%s\nrecord-only=1\n' \
		"$url" "$OS_USERNAME" "$password" "$OS_PROJECT_NAME"
	printf '%s\n' "$@"
}
# fc NAME [KEY=VALUE...]: run the agent; stdout, stderr, rc, ms in $work/NAME.*
fc() {
	local name=$1 t0
	shift
	t0=$(date +%s%N)
	conf "$@" | "$agent" >"$work/$name.out" 2>"$work/$name.err"
	echo $? >"$work/$name.rc"
	echo $((($(date +%s%N) - t0) / 1000000)) >"$work/$name.ms"
}
rc_is() {
	local got
	got=$(cat "$work/$1.rc")
	[ "$got" = "$2" ] && return 0
	log "$1: exit $got, expected $2; stdout/stderr:"
	sed 's/^/#   /' "$work/$1.out" "$work/$1.err"
	return 1
}
out_has() { grep -qF -- "$2" "$work/$1.out" || { log "$1: stdout lacks '$2'"; sed 's/^/#   /' "$work/$1.out"; return 1; }; }
err_has() { grep -qF -- "$2" "$work/$1.err" || { log "$1: stderr lacks '$2'"; sed 's/^/#   /' "$work/$1.err"; return 1; }; }
# Nova's view, through the REST API with one token (the openstack CLI costs 2-3 s a call:
# it is used for the two main checks only, cli_is).
api() { # METHOD PATH [JSON]
	curl -s -m 80 -X "$1" -H @"$work/token" -H "OpenStack-API-Version: compute 2.53" \
		-H "Content-Type: application/json" ${3:+--data "$3"} "$LBT_NOVA_COMPUTE_URL$2"
}
svc_json() { api GET "/os-services?binary=nova-compute&host=$1"; }
svc_state() {
	svc_json "$1" | python3 -c 'import json,sys
s = json.load(sys.stdin)["services"][0]
print(s["state"], s["status"], str(s["forced_down"]).lower())' 2>/dev/null
}
# svc_is HOST "STATE STATUS FORCED": Nova reports exactly that (retried briefly)
svc_is() {
	local got i
	for i in $(seq 20); do
		got=$(svc_state "$1")
		[ "$got" = "$2" ] && return 0
		sleep 0.5
	done
	log "$1: Nova reports '$got', expected '$2'"
	return 1
}
# cli_is HOST "STATE STATUS FORCED": the openstack CLI shows exactly that
cli_is() {
	local got
	got=$("$novah" openstack --os-compute-api-version 2.53 compute service list \
		--service nova-compute --host "$1" --long -f json 2>/dev/null |
		python3 -c 'import json,sys; s=json.load(sys.stdin)[0]; print(s["State"], s["Status"], str(s["Forced Down"]).lower())')
	[ "$got" = "$2" ] && return 0
	log "$1: openstack CLI shows '$got', expected '$2'"
	return 1
}
# set_svc HOST JSON: PUT /os-services/{id}
set_svc() {
	local id
	id=$(svc_json "$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["services"][0]["id"])')
	api PUT "/os-services/$id" "$2" >/dev/null
}
attr() { attrd_updater -Q -n evacuate -N "$1" 2>/dev/null | sed -n 's/.*value="\([^"]*\)".*/\1/p'; }
attr_is() {
	local got i
	for i in $(seq 20); do
		got=$(attr "$1")
		[ "$got" = "$2" ] && return 0
		sleep 0.25
	done
	log "evacuate of $1 is '$got', expected '$2'"
	return 1
}
faster_than() { [ "$(cat "$work/$1.ms")" -lt "$2" ] || { log "$1 took $(cat "$work/$1.ms") ms"; return 1; }; }

# ---------------------------------------------------------------- read-only actions
ok "both computes start up, enabled" svc_is compute1 "up enabled false"
fc status1 action=status port=compute1 nodename=compute1
ok "status of an up, enabled compute: exit 0" rc_is status1 0
ok "... Status: ON" out_has status1 "Status: ON"
fc list action=list
ok "list: exit 0" rc_is list 0
ok "... compute1 and compute2, as name,alias" sh -c "grep -qx 'compute1,' '$work/list.out' && grep -qx 'compute2,' '$work/list.out'"
fc liststatus action=list-status
ok "list-status: compute1,,ON" sh -c "grep -qx 'compute1,,ON' '$work/liststatus.out'"
fc monitor action=monitor
ok "monitor (Keystone and Nova reachable): exit 0" rc_is monitor 0

# ---------------------------------------------------------------- off
attrd_updater -D -n evacuate -N compute1 >/dev/null 2>&1
fc off1 action=off port=compute1 nodename=compute1
ok "off: exit 0" rc_is off1 0
ok "... nova-compute on compute1 is forced down and disabled (openstack CLI)" \
	cli_is compute1 "down disabled true"
ok "... the disabled reason says who did it" sh -c \
	"$(declare -f api svc_json); work='$work' LBT_NOVA_COMPUTE_URL='$LBT_NOVA_COMPUTE_URL'; svc_json compute1 | grep -q '\"disabled_reason\": \"fenced by Pacemaker (fence_compute)\"'"
ok "... and node compute1 is marked evacuate=yes in attrd" attr_is compute1 yes
ok "... compute2 untouched" svc_is compute2 "up enabled false"
fc status2 action=status port=compute1
ok "status of a fenced compute: exit 2" rc_is status2 2
ok "... Status: OFF" out_has status2 "Status: OFF"
attrd_updater -U no -n evacuate -N compute1 >/dev/null 2>&1
fc off2 action=off port=compute1
ok "off again (already off): exit 0" rc_is off2 0
ok "... evacuate=yes again (NovaEvacuate looks once more)" attr_is compute1 yes

# ---------------------------------------------------------------- on waits for the evacuation
conf action=on port=compute1 nodename=compute1 | "$agent" >"$work/on1.out" 2>"$work/on1.err" &
onpid=$!
sleep 5
ok "on while evacuate=yes: still waiting after 5 s" kill -0 "$onpid"
ok "... with the service still forced down and disabled" svc_is compute1 "down disabled true"
attrd_updater -U no -n evacuate -N compute1 >/dev/null 2>&1
for _ in $(seq 60); do kill -0 "$onpid" 2>/dev/null || break; sleep 0.5; done
wait "$onpid"
echo $? >"$work/on1.rc"
ok "evacuate=no: on completes with exit 0" rc_is on1 0
ok "... nova-compute enabled and not forced down (openstack CLI)" cli_is compute1 "up enabled false"
fc status3 action=status port=compute1
ok "status after on: exit 0, Status: ON" out_has status3 "Status: ON"
fc on2 action=on port=compute1
ok "on when already on: exit 0" rc_is on2 0

# ---------------------------------------------------------------- fence_compute.py's status mapping
# (status changes only while forced down: enabling or disabling a service that is up makes
# nova-api call the host over RPC, which the fake driver's computes may leave unanswered)
set_svc compute1 '{"forced_down": true}'
fc map-failed action=status port=compute1
ok "down (forced), enabled = 'failed': Status: ON, exit 0" rc_is map-failed 0
set_svc compute1 '{"status": "disabled"}'
fc map-off action=status port=compute1
ok "down, disabled = 'off': Status: OFF, exit 2" rc_is map-off 2
set_svc compute1 '{"forced_down": false}'
fc map-running action=status port=compute1
ok "up, disabled = 'running': Status: ON, exit 0" rc_is map-running 0
set_svc compute1 '{"forced_down": true}' && set_svc compute1 '{"status": "enabled"}' &&
	set_svc compute1 '{"forced_down": false}'
ok "(compute1 back to up, enabled)" svc_is compute1 "up enabled false"

# ---------------------------------------------------------------- domains, errors
fc fqdn action=status port=compute1.example.com
ok "plug compute1.example.com, Nova's host compute1: the domain is dropped" rc_is fqdn 0
fc fqdn-dom action=status port=compute1 domain=example.com
ok "domain=example.com that Nova contradicts: overridden with a warning, exit 0" rc_is fqdn-dom 0
ok "... the warning" err_has fqdn-dom "Overriding supplied domain 'example.com'"
fc unknown action=status port=compute9
ok "status of an unknown host: exit 1" rc_is unknown 1
ok "... saying Nova has no such service" err_has unknown "Nova has no nova-compute service on host 'compute9'"
fc unknown-off action=off port=compute9 nodename=compute9
ok "off of an unknown host: exit 1" rc_is unknown-off 1
ok "... and no evacuate attribute for it" test -z "$(attr compute9)"
# Unfencing a compute node whose nova-compute never ran (NovaCompute starts it only after
# the unfencing): nothing to bring back, so success, as fence_compute.py.
fc unknown-on action=on port=compute9 nodename=compute9
ok "on of a host Nova does not know yet: exit 0 (nothing to unfence)" rc_is unknown-on 0
ok "... saying so" err_has unknown-on "Nova has no nova-compute service on host 'compute9' (yet): nothing to unfence"
printf 'auth-url=%s\nlogin=%s\npasswd=wrong-%s\ntenant-name=%s\naction=status\nport=compute1\n' \
	"$url" "$OS_USERNAME" "$RANDOM" "$OS_PROJECT_NAME" | "$agent" >"$work/badpw.out" 2>"$work/badpw.err"
echo $? >"$work/badpw.rc"
ok "a wrong password: exit 1" rc_is badpw 1
ok "... with Keystone's message (HTTP 401)" err_has badpw "HTTP 401: The request you have made requires authentication"
fc badtenant action=status port=compute1 tenant_name=no-such-project
ok "an unknown project: exit 1" rc_is badtenant 1
ok "no password in any output" sh -c "! cat '$work'/*.out '$work'/*.err | grep -qF -- '$password'"

# ---------------------------------------------------------------- before 2.53: force-down and disable by host
attrd_updater -D -n evacuate -N compute2 >/dev/null 2>&1
conf action=off port=compute2 nodename=compute2 verbose=1 |
	LB_NOVA_MICROVERSION_MAX=2.52 "$agent" >"$work/old-off.out" 2>"$work/old-off.err"
echo $? >"$work/old-off.rc"
ok "microversion 2.52: off exits 0" rc_is old-off 0
ok "... negotiated 2.52" err_has old-off "microversion 2.52"
ok "... compute2 forced down and disabled (PUT /os-services/force-down, disable-log-reason)" \
	svc_is compute2 "down disabled true"
ok "... evacuate=yes on compute2" attr_is compute2 yes
attrd_updater -U no -n evacuate -N compute2 >/dev/null 2>&1
conf action=on port=compute2 | LB_NOVA_MICROVERSION_MAX=2.52 "$agent" >"$work/old-on.out" 2>"$work/old-on.err"
echo $? >"$work/old-on.rc"
ok "microversion 2.52: on exits 0" rc_is old-on 0
ok "... compute2 enabled, not forced down" svc_is compute2 "up enabled false"
# Before 2.11 nothing forces a service down: off disables it and waits until Nova sees the
# host down (here: a host already seen down, forced down by the CLI as a dead host would be)
set_svc compute2 '{"forced_down": true}'
attrd_updater -D -n evacuate -N compute2 >/dev/null 2>&1
conf action=off port=compute2 power_timeout=10 verbose=1 |
	LB_NOVA_MICROVERSION_MAX=2.10 "$agent" >"$work/older-off.out" 2>"$work/older-off.err"
echo $? >"$work/older-off.rc"
ok "microversion 2.10 (no force-down): off of a host Nova sees down exits 0" rc_is older-off 0
ok "... having waited for Nova to see it down" err_has older-off "cannot force a service down"
ok "... compute2 disabled" svc_is compute2 "down disabled true"
ok "... evacuate=yes on compute2" attr_is compute2 yes
attrd_updater -U no -n evacuate -N compute2 >/dev/null 2>&1
conf action=on port=compute2 | LB_NOVA_MICROVERSION_MAX=2.10 "$agent" >"$work/older-on.out" 2>"$work/older-on.err"
echo $? >"$work/older-on.rc"
ok "microversion 2.10: on exits 0 (enabled; forced_down only the CLI can clear)" rc_is older-on 0
set_svc compute2 '{"forced_down": false}'
ok "(compute2 back to up, enabled)" svc_is compute2 "up enabled false"

# ---------------------------------------------------------------- memory, latency
if ldd "$agent" | grep -q libasan; then
	skip "valgrind: status, off, on, list against Nova and attrd" "ASan build"
elif command -v valgrind >/dev/null; then
	vgrun() { # vgrun NAME KEY=VALUE... : under valgrind; fails only on valgrind's own exit code
		local name=$1
		shift
		conf "$@" | valgrind -q --error-exitcode=99 --leak-check=full \
			--errors-for-leak-kinds=definite \
			--suppressions="$here/../unit/pacemaker.supp" "$agent" >"$work/$name.out" 2>"$work/$name.err"
		echo $? >"$work/$name.rc"
	}
	vgrun vg-status action=status port=compute1
	vgrun vg-list action=list-status
	attrd_updater -D -n evacuate -N compute1 >/dev/null 2>&1
	vgrun vg-off action=off port=compute1
	attrd_updater -U no -n evacuate -N compute1 >/dev/null 2>&1
	vgrun vg-on action=on port=compute1
	vgrun vg-bad action=status port=compute9
	vg_clean() {
		local n
		for n in status list off on; do
			[ "$(cat "$work/vg-$n.rc")" = 0 ] || { sed 's/^/#   /' "$work/vg-$n.err"; return 1; }
		done
		[ "$(cat "$work/vg-bad.rc")" = 1 ] || { sed 's/^/#   /' "$work/vg-bad.err"; return 1; }
	}
	ok "valgrind: status, list-status, off, on (attrd both ways), unknown host are clean" vg_clean
	set_svc compute1 '{"forced_down": true}' && set_svc compute1 '{"status": "enabled"}' &&
		set_svc compute1 '{"forced_down": false}'
else
	skip "valgrind" "not installed"
fi
for i in 1 2 3 4 5; do fc "lat-status$i" action=status port=compute1; done
for i in 1 2 3 4 5; do fc "lat-monitor$i" action=monitor; done
median() { cat "$@" | sort -n | sed -n 3p; }
log "latency against this Nova: status $(median "$work"/lat-status?.ms) ms, monitor $(median "$work"/lat-monitor?.ms) ms (median of 5)"
log "(one Keystone login, one token validation by nova-api, one os-services list each)"

finish
