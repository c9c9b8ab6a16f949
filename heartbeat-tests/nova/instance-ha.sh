#!/bin/bash
# shellcheck disable=SC2317 # test helpers are called through "check"
# instance-ha.sh - instance HA end to end: a real Pacemaker cluster
# (heartbeat-tests/cluster/cluster: 2 full nodes, 2 pacemaker_remote compute
# nodes) and a real Nova (heartbeat-tests/nova/nova, fake virt driver).
#
# - Each compute node (remote1, remote2) runs its own nova-compute (host=remoteN),
#   started inside the node by ocf:lifeboat:NovaCompute (a clone restricted to
#   the remote nodes), so powering the node off kills it. NovaEvacuate runs on
#   the full nodes (the controllers).
# - Fencing topology per compute: one level with the power device (the
#   harness's fence_lbtest, fence-lbt) and fence_compute (fence-nova, the
#   documented drop-in line: auth-url=, login=, passwd=, tenant-name=,
#   record-only=1), all configured with pcs: the reference deployment of
#   docs/instance-ha.md, with stonith-action=off so that a fenced compute stays
#   off until the test powers it on again (cluster start).
# - The nodes reach the control plane (RabbitMQ, MariaDB, Keystone, Placement,
#   Glance, Nova, the Neutron stand-in) at its 127.0.0.1 ports through socat:
#   inside every node a listener on the node's own loopback, per port, into a
#   Unix socket whose other end connects to the host's loopback. The node's
#   boot hook (cluster up --boot-hook) starts them at every boot; nothing in
#   the host's network changes.
# - Passwords are Pacemaker CIB secrets (password=lrm://, the value in
#   /var/lib/pacemaker/lrm/secrets on each node, as cibsecret keeps it): not in
#   the CIB, no command line, no log.
#
# Checked: both computes join and run their nova-compute; servers on remote1;
# remote1 killed (cluster kill); it is fenced (both devices of its level ran,
# fence_compute forced it down and marked it), every server ends ACTIVE on
# remote2 with exactly one evacuation record in GET /os-migrations; remote1
# powered on again (cluster start): NovaCompute starts there (after the
# evacuation) and unfences it in Nova: its nova-compute service ends enabled,
# up and not forced down (and stays so), the evacuations are cleaned up
# (completed); no password in any process's argv (sampled all along, with a
# canary) or in any log of the run.
#
# LB_IHA_UNFENCING=1: fence-nova with meta provides=unfencing instead. Pacemaker
# then unfences each compute when it joins (fence_compute on a host Nova does
# not know yet) and unfences the fenced one right away: the level's "on" runs
# the power device (the node is powered back on, as IPMI would) and
# fence_compute on, which waits until NovaEvacuate is done; no cluster start.
#
# Usage (root): heartbeat-tests/nova/instance-ha.sh
#   LB_AGENT_DIR  the OCF agents (default $top_builddir/agents, else build/agents)
#   LB_FENCE_DIR  the fence agents (default: ../fence beside the agents)
#   LB_IHA_SERVERS  servers on the failed compute (default 6)
#   LB_IHA_UNFENCING=1  fence-nova provides unfencing (above)
#   LB_KEEP=1     keep the state directories (logs) after the run
# Instance: LBT_INSTANCE=iha (/var/tmp/lbt/iha), Nova in /tmp/lbt-iha-nova on
# ports 63440-63459, work directory /tmp/lbt-iha. Output: TAP "ok N - ...",
# "# ..." notes and figures, last line "N passed, N failed"; exit 1 on failure.
set -u
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

here=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
top=$(cd "$here/../.." && pwd)
C=$top/heartbeat-tests/cluster/cluster
NOVA=$here/nova
export LBT_INSTANCE=iha LBT_NOVA_STATE=/tmp/lbt-iha-nova LBT_NOVA_PORT_BASE=63440
unset LBT_STATE_DIR LBT_NOVA_BIND
CSTATE=/var/tmp/lbt/iha
STATE=$LBT_NOVA_STATE
work=/tmp/lbt-iha
nservers=${LB_IHA_SERVERS:-6}
unfencing=${LB_IHA_UNFENCING:-0}
victim=remote1 target=remote2

num=0 pass=0 fail=0
note() { printf '# %s\n' "$*"; }
figure() { printf '# figure: %s: %s\n' "$1" "$2"; }
# shellcheck source=heartbeat-tests/lib/tap.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/tap.sh"
now_ms() { date +%s%3N; }
secs() { awk -v ms="$1" 'BEGIN { printf "%.1f", ms / 1000 }'; }

[ "$(id -u)" = 0 ] || { echo "1..0 # SKIP needs root"; exit 77; }
for t in socat curl jq pcs crm_mon stonith_admin md5sum; do
	command -v "$t" >/dev/null || { echo "1..0 # SKIP $t not installed"; exit 77; }
done
agents=${LB_AGENT_DIR:-${top_builddir:-$top/build}/agents}
fence=${LB_FENCE_DIR:-$(dirname "$agents")/fence}
for a in "$agents/NovaCompute" "$agents/NovaEvacuate" "$fence/fence_compute"; do
	[ -x "$a" ] || { echo "Bail out! $a not built"; exit 99; }
done
agents=$(readlink -f "$agents") fence=$(readlink -f "$fence")

# ---------------------------------------------------------------- clean-up
# Also after an interrupted run: the cluster (namespaces, every process in
# them: Pacemaker, nova-compute, the in-node bridges), the host-side bridges
# (by their recorded PIDs), the cloud, the work directory.
stop_bridges() {
	local pid
	[ -s "$work/bridges.pids" ] || return 0
	while read -r pid; do
		# only a socat of ours: its command line names our socket directory
		grep -qaF "$work/socks/" "/proc/$pid/cmdline" 2>/dev/null && kill "$pid" 2>/dev/null
	done <"$work/bridges.pids"
	rm -f "$work/bridges.pids"
}
teardown() {
	local keep=()
	[ "${LB_KEEP:-0}" = 1 ] && keep=(--keep)
	[ -n "${sampler:-}" ] && kill "$sampler" 2>/dev/null && wait "$sampler" 2>/dev/null
	[ -n "${nova_up:-}" ] && kill "$nova_up" 2>/dev/null && wait "$nova_up" 2>/dev/null
	"$C" down "${keep[@]}" >>"$work/down.log" 2>&1 || note "cluster down failed"
	stop_bridges
	"$NOVA" down "${keep[@]}" >>"$work/down.log" 2>&1 || note "nova down failed"
	if [ "${LB_KEEP:-0}" = 1 ]; then
		note "kept: $work, $CSTATE, $STATE"
	else
		rm -rf "$work"
	fi
}
finish() {
	trap - EXIT INT TERM
	teardown
	echo "1..$num"
	echo "$pass passed, $fail failed"
	[ "$fail" = 0 ] && [ "$num" -gt 0 ]
	exit $?
}
bail() {
	num=$((num + 1)) fail=$((fail + 1))
	echo "not ok $num - $*"
	echo "Bail out! $*"
	finish
}

# a previous run that was killed: clean up first
if [ -d "$work" ] || [ -e "$CSTATE" ] || [ -e "$STATE" ]; then
	note "cleaning up after a previous run"
	mkdir -p "$work"
	LB_KEEP=0 teardown
fi
trap finish EXIT
trap 'bail "interrupted (SIGINT)"' INT
trap 'bail "interrupted (SIGTERM)"' TERM
t_all=$(now_ms)
mkdir -p "$work/socks" "$work/node" "$work/run"
chmod 755 "$work"
chmod 700 "$work/socks" "$work/run"

# ---------------------------------------------------------------- bridges, boot hook
# Ports of the cloud (heartbeat-tests/nova/README.md): MariaDB, AMQP, Keystone,
# Placement, Glance, Nova, Neutron stand-in.
b=$LBT_NOVA_PORT_BASE
ports="$b $((b + 1)) $((b + 10)) $((b + 11)) $((b + 12)) $((b + 13)) $((b + 14))"
for p in $ports; do
	# a subshell is no group leader: setsid execs in place, $! is socat
	(exec setsid socat "UNIX-LISTEN:$work/socks/$p.sock,fork,mode=600" "TCP:127.0.0.1:$p" \
		</dev/null >/dev/null 2>&1) &
	echo $! >>"$work/bridges.pids"
done
for n in node1 node2 "$victim" "$target"; do mkdir -p "$work/nodes/$n"; done
# Run by each node's init at every boot, inside the node: its own view of
# $work/node (nova.conf, nova-compute's log), and its bridges.
cat >"$work/boot-hook" <<EOF
#!/bin/bash
# boot hook of instance-ha.sh: NODE ROLE IP
set -eu
mount --bind "$work/nodes/\$1" "$work/node"
for p in $ports; do
	socat "TCP-LISTEN:\$p,bind=127.0.0.1,fork,reuseaddr" "UNIX-CONNECT:$work/socks/\$p.sock" \\
		</dev/null >/dev/null 2>&1 &
done
echo "\$(date '+%T') \$1: bridges to the control plane on 127.0.0.1: $ports"
EOF
chmod 755 "$work/boot-hook"

# ---------------------------------------------------------------- bring-up
note "bringing up Nova ($STATE, ports $b+) and the cluster (instance iha: 2 nodes, 2 remotes)"
t0=$(now_ms)
"$NOVA" up --computes 0 >"$work/nova-up.log" 2>&1 &
nova_up=$!
if ! "$C" up --nodes 2 --remotes 2 --agents "$agents" --fence-agents "$fence" \
	--boot-hook "$work/boot-hook" --timeout 120 >"$work/cluster-up.log" 2>&1; then
	tail -n 15 "$work/cluster-up.log" | sed 's/^/#   /'
	bail "cluster up"
fi
figure "cluster up (2 nodes, 2 remotes)" "$(secs $(($(now_ms) - t0))) s"
if ! wait "$nova_up"; then
	nova_up=
	tail -n 15 "$work/nova-up.log" | sed 's/^/#   /'
	bail "nova up"
fi
nova_up=
figure "nova up (parallel with the cluster)" "$(secs $(($(now_ms) - t0))) s"
eval "$("$NOVA" env)"
password=$(cat "$OS_PASSWORD_FILE")
canary=lbt-iha-canary-$RANDOM$RANDOM
(umask 077 && printf '%s\n' "$password" >"$work/run/pw.pat" && printf '%s\n' "$canary" >"$work/run/canary.pat")
inside() { "$C" exec "$@"; }

# ---------------------------------------------------------------- argv sampler
# Every 0.3 s: any process of this run (in one of the cluster's namespaces,
# carrying the cloud's tag, or a child of this script) whose command line
# holds the password. Records PID and name, never the command line itself. A
# canary (a child whose argv holds a random word) shows that it does see.
our_netns=$(cat "$CSTATE/hub.ino" "$CSTATE"/nodes/*/netns.ino | tr '\n' ' ')
ours() { # PID: a process of this run
	local pid=$1 ino i
	ino=$(stat -L -c %i "/proc/$pid/ns/net" 2>/dev/null) || return 1
	[[ " $our_netns " == *" $ino "* ]] && return 0
	grep -qzxF "LBT_NOVA_TAG=$STATE" "/proc/$pid/environ" 2>/dev/null && return 0
	for ((i = 0; i < 20 && pid > 1; i++)); do
		[ "$pid" = $$ ] && return 0
		pid=$(awk '{ print $4 }' "/proc/$pid/stat" 2>/dev/null) || return 1
	done
	return 1
}
sample() { # sample PATTERNFILE: our processes whose argv holds a pattern
	grep -laFf "$1" /proc/[0-9]*/cmdline 2>/dev/null |
		while IFS=/ read -r _ _ pid _; do
			ours "$pid" && echo "$(date +%T) pid $pid ($(cat "/proc/$pid/comm" 2>/dev/null))"
		done
}
(
	while [ ! -e "$work/run/sampler.stop" ]; do
		sample "$work/run/pw.pat" >>"$work/argv-hits"
		sample "$work/run/canary.pat" >>"$work/canary-hits"
		sleep 0.3
	done
) &
sampler=$!
# (not a lone command: bash would exec sleep, and the canary would be gone)
bash -c 'sleep 5; :' "$canary" &

# ---------------------------------------------------------------- Nova helpers
osctl() { /usr/bin/python3 "$here/osctl.py" "$@"; }
osctl token "$work/run/token" || bail "no Keystone token"
api() { # api METHOD PATH [JSON]: Nova at 2.74, the reply on stdout
	curl -sS -m 60 -X "$1" -H @"$work/run/token" -H 'OpenStack-API-Version: compute 2.74' \
		-H 'Content-Type: application/json' ${3:+--data "$3"} "$LBT_NOVA_COMPUTE_URL$2"
}
svc() { # svc HOST: "state status forced_down disabled_reason"
	api GET "/os-services?binary=nova-compute&host=$1" |
		jq -r '.services[0] // {} | "\(.state) \(.status) \(.forced_down) \(.disabled_reason)"'
}
svc_is() { # svc_is HOST PATTERN: the service's "state status forced_down reason" matches
	local got
	got=$(svc "$1")
	# shellcheck disable=SC2053 # a pattern on purpose
	[[ $got == $2 ]] && return 0
	note "$1: nova-compute service is '$got', expected '$2'"
	return 1
}
servers() { # [{id, name, status, host, task}] of the test's servers
	api GET "/servers/detail?all_tenants=1&name=^iha-" | jq -c '[.servers[] | {id, name, status,
		host: .["OS-EXT-SRV-ATTR:host"], task: .["OS-EXT-STS:task_state"]}]'
}
count_on() { # count_on HOST: servers ACTIVE on HOST with no task
	servers | jq --arg h "$1" '[.[] | select(.status == "ACTIVE" and .host == $h and .task == null)] | length'
}
all_on() { # all_on HOST: every server ACTIVE on HOST
	[ "$(count_on "$1")" = "$nservers" ]
}
show_servers() { note "servers: $(servers | jq -c '[.[] | {name, status, host, task}]')"; }

# ---------------------------------------------------------------- cluster helpers
crm() { inside node1 timeout 30 crm_mon -1 "$@" 2>/dev/null; }
running_on() { # running_on RSC NODE: crm_mon shows RSC started on NODE
	crm -r | grep -Eq "(^|[^-])$1([^-]|$).*Started $2|Started: \[.* $2 .*\]"
}
rsc_on() { # rsc_on RSC NODE (crm_resource --locate)
	inside node1 crm_resource --locate -r "$1" 2>/dev/null | grep -q "running on: $2\$"
}
fence_ok() { # fence_ok ACTION NODE: count of successful ACTION fencings of NODE
	inside node1 stonith_admin --history "$2" --verbose 2>/dev/null |
		grep -c "^$1 of $2 successful" || true
}
unfence_ok() { # successful unfencings of NODE
	inside node1 stonith_admin --history "$1" --verbose 2>/dev/null |
		grep -c "^unfencing of $1 successful" || true
}
device_ran() { # device_ran ACTION NODE DEVICE: fenced logged it as done
	grep -hqE "Operation '$1' \[[0-9]+\] targeting $2 using $3 returned 0" \
		"$CSTATE"/nodes/node*/log-pacemaker/pacemaker.log
}
attr() { # attr NODE NAME: a transient node attribute (empty when unset)
	inside node1 attrd_updater -Q -n "$2" -N "$1" 2>/dev/null | sed -n 's/.*value="\([^"]*\)".*/\1/p'
}
no_failures() {
	local f
	f=$(crm --output-as=xml | grep -c '<failure ')
	[ "$f" = 0 ] && return 0
	note "failed actions: $(crm | sed -n '/Failed Resource Actions/,$p' | tr '\n' ' ')"
	return 1
}

# ---------------------------------------------------------------- configuration
# nova-compute's configuration, per node: host=remoteN, seen in every node as
# $work/node/nova.conf (the boot hook's bind mount), like /etc/nova/nova.conf
for n in "$victim" "$target"; do
	conf=$("$NOVA" compute conf "${n#remote}" --host "$n") || bail "nova compute conf"
	ln -sf "$conf" "$work/nodes/$n/nova.conf"
done
# The CIB secrets (what `cibsecret set` writes on every node): the value and
# its MD5, for each resource that takes the password.
for n in node1 node2 "$victim" "$target"; do
	for r in fence-nova:passwd nova-evacuate:password nova-compute:password; do
		d=$CSTATE/nodes/$n/var-lib-pacemaker/lrm/secrets/${r%%:*}
		mkdir -p "$d" && chmod 700 "$CSTATE/nodes/$n/var-lib-pacemaker/lrm"
		(
			umask 077
			printf '%s\n' "$password" >"$d/${r#*:}"
			printf '%s' "$password" | md5sum | awk '{ print $1 }' >"$d/${r#*:}.sign"
		)
	done
done
if ! inside node1 pcs cluster cib "$work/cib.xml" || ! cp "$work/cib.xml" "$work/cib-orig.xml"; then
	bail "pcs cluster cib"
fi
pcsf() { inside node1 pcs -f "$work/cib.xml" "$@" >>"$work/pcs.log" 2>&1 || { note "pcs $* failed"; return 1; }; }
meta=()
[ "$unfencing" = 1 ] && meta=(meta provides=unfencing)
configure() {
	# fence_compute: the documented drop-in line
	pcsf stonith create fence-nova fence_compute auth-url="$OS_AUTH_URL" login=admin \
		passwd=lrm:// tenant-name=admin record-only=1 pcmk_host_list="$victim $target" \
		pcmk_off_timeout=60s pcmk_on_timeout=300s op monitor interval=60s timeout=60s \
		"${meta[@]}" &&
		pcsf stonith level add 1 "$victim" fence-lbt fence-nova &&
		pcsf stonith level add 1 "$target" fence-lbt fence-nova &&
		# fencing powers a compute off (both devices) and it stays off until
		# powered on (cluster start), or, with provides=unfencing, until
		# Pacemaker unfences it (the level's "on")
		pcsf property set stonith-action=off &&
		pcsf resource create nova-evacuate ocf:lifeboat:NovaEvacuate auth_url="$OS_AUTH_URL" \
			username=admin password=lrm:// tenant_name=admin \
			op monitor interval=10s timeout=20s &&
		pcsf constraint location nova-evacuate rule score=-INFINITY '#kind' eq remote &&
		pcsf resource create nova-compute ocf:lifeboat:NovaCompute auth_url="$OS_AUTH_URL" \
			username=admin password=lrm:// tenant_name=admin config="$work/node/nova.conf" \
			binary="$STATE/bin/nova-compute" user=root log="$work/node/nova-compute.log" \
			op start timeout=300s op monitor interval=10s timeout=60s clone interleave=true &&
		pcsf constraint location nova-compute-clone rule score=-INFINITY '#kind' ne remote &&
		inside node1 pcs cluster cib-push "$work/cib.xml" diff-against="$work/cib-orig.xml" \
			>>"$work/pcs.log" 2>&1
}
check "pcs: fence-nova (drop-in line${meta[*]:+, provides=unfencing}), a level per compute (fence-lbt + fence-nova), NovaEvacuate, NovaCompute clone" configure
cib_clean() { inside node1 cibadmin -Q >"$work/cib-now.xml" 2>/dev/null && ! grep -qaFf "$work/run/pw.pat" "$work/cib-now.xml"; }
check "the CIB holds no password (lrm:// secrets)" cib_clean

t0=$(now_ms)
compute_ready() { # compute_ready NODE: NovaCompute started there, Nova: up, enabled, not forced down
	rsc_on nova-compute "$1" && [[ $(svc "$1") == "up enabled false "* ]]
}
check "NovaCompute started on $victim and $target, both up in Nova" \
	eventually 300 eval "compute_ready $victim && compute_ready $target"
figure "configuration pushed to both computes up" "$(secs $(($(now_ms) - t0))) s"
check "NovaEvacuate started on a full node" \
	eventually 60 eval 'rsc_on nova-evacuate node1 || rsc_on nova-evacuate node2'
if [ "$unfencing" = 1 ]; then
	check "both compute nodes were unfenced on joining (fence_compute on a host Nova did not know yet)" \
		eval "[ \$(unfence_ok $victim) -ge 1 ] && [ \$(unfence_ok $target) -ge 1 ]"
fi
alive() { [ -n "$1" ] && [ -e "/proc/$1" ] && ! grep -q '^State:.*Z' "/proc/$1/status"; }
nc_pid() { inside "$1" sh -c 'cat /run/resource-agents/NovaCompute-*.pid' 2>/dev/null | sed -n 1p; }
in_node() { # in_node NODE PID: PID lives in NODE's network namespace
	[ -n "$2" ] && [ "$(stat -L -c %i "/proc/$2/ns/net" 2>/dev/null)" = "$(cat "$CSTATE/nodes/$1/netns.ino")" ]
}
pid1=$(nc_pid "$victim")
check "$victim's nova-compute (PID $pid1) runs inside $victim, with host=$victim" \
	eval "in_node $victim '$pid1' && grep -q '^host = $victim\$' '$work/nodes/$victim/nova.conf'"
hypervisors() { osctl wait-hypervisors 180 "$victim" "$target" >"$work/hyp.log" 2>&1; }
check "Nova sees both as hypervisors" hypervisors

# ---------------------------------------------------------------- servers
image=$(curl -s -m 30 -H @"$work/run/token" "http://127.0.0.1:$((b + 12))/v2/images?name=lbt-raw" | jq -r '.images[0].id')
flavor=$(api GET "/flavors?is_public=None" | jq -r '.flavors[] | select(.name == "lbt.tiny") | .id')
t0=$(now_ms)
make_servers() {
	local i code
	for ((i = 1; i <= nservers; i++)); do
		code=$(curl -sS -m 120 -o "$work/create.out" -w '%{http_code}' -X POST -H @"$work/run/token" \
			-H 'OpenStack-API-Version: compute 2.74' -H 'Content-Type: application/json' \
			--data "{\"server\": {\"name\": \"iha-$i\", \"flavorRef\": \"$flavor\", \"imageRef\": \"$image\",
				\"networks\": \"none\", \"host\": \"$victim\"}}" "$LBT_NOVA_COMPUTE_URL/servers")
		[ "$code" = 202 ] || { note "create iha-$i: HTTP $code $(head -c 300 "$work/create.out")"; return 1; }
	done
}
make_servers || bail "cannot create servers"
check "$nservers servers ACTIVE on $victim" eventually 300 all_on "$victim" || { show_servers; bail "servers"; }
figure "$nservers servers created to ACTIVE" "$(secs $(($(now_ms) - t0))) s"
ids=$(servers | jq -r '.[].id')

# ---------------------------------------------------------------- the failure
offs=$(fence_ok "turning off" "$victim") ons=$(unfence_ok "$victim")
note "powering $victim off (cluster kill: every process in it, nova-compute included)"
t_kill=$(now_ms)
"$C" kill "$victim" >>"$work/fault.log" 2>&1
check "$victim's nova-compute died with the node" not alive "$pid1"
fenced() { [ "$(fence_ok "turning off" "$victim")" -gt "$offs" ]; }
check "$victim fenced (stonith history: turning off successful)" eventually 120 fenced
t_fenced=$(now_ms)
figure "kill to fenced" "$(secs $((t_fenced - t_kill))) s"
check "... through its level: fence-lbt (power) ran" device_ran off "$victim" fence-lbt
check "... and fence-nova (fence_compute) ran" device_ran off "$victim" fence-nova
check "... the power device powered it off (harness fence log)" \
	grep -q "off $victim done" "$CSTATE/fence.log"
fc_said() { # fc_said TEXT: fence_compute's output, as pacemaker-fenced logged it
	grep -hF "$1" "$CSTATE"/nodes/node*/log-pacemaker/pacemaker.log | grep -q fence_compute
}
check "... fence_compute forced $victim's nova-compute down and disabled it in Nova" \
	fc_said "Forced nova-compute down and disabled it on $victim"
check "... and marked the node (evacuate=yes)" fc_said "Marked node $victim for evacuation (evacuate=yes)"
moved() { [ "$(count_on "$target")" = "$nservers" ]; }
check "every server ACTIVE on $target" eventually 240 moved || show_servers
t_moved=$(now_ms)
figure "kill to all $nservers servers ACTIVE on $target" "$(secs $((t_moved - t_kill))) s"
evacuated_once() { # one evacuation record from the victim per server, no other
	local bad
	bad=$(api GET "/os-migrations?migration_type=evacuation&source_compute=$victim" | jq -r --arg ids "$ids" '
		($ids | split("\n") | map(select(. != ""))) as $want
		| [.migrations[] | .instance_uuid] as $got
		| ([$want[] | . as $i | {id: $i, n: ([$got[] | select(. == $i)] | length)} | select(.n != 1)
			| "\(.id): \(.n)"] + [$got[] | select(. as $g | $want | index($g) | not) | "stray \(.)"])
		| join(", ")')
	[ -z "$bad" ] && return 0
	note "evacuation records (not exactly one per server): $bad"
	return 1
}
check "exactly one evacuation per server (GET /os-migrations)" evacuated_once
progress() { inside node1 attrd_updater -Q -n evacuate-progress -N "$victim" 2>/dev/null | sed -n 's/.*value="\([^"]*\)".*/\1/p'; }
progress_done() {
	local p
	p=$(progress)
	[[ $p == "done: $nservers/$nservers evacuated, 0 failed"* ]]
}
check "NovaEvacuate's progress on $victim: done, $nservers/$nservers evacuated, none failed" \
	eventually 60 progress_done || note "evacuate-progress of $victim: '$(progress)'"

# ---------------------------------------------------------------- the node comes back
still_off() { ! "$C" pid "$victim" >/dev/null 2>&1; }
if [ "$unfencing" = 1 ]; then
	# Pacemaker unfences the fenced node as soon as it plans to bring its
	# connection back: the level's "on" runs fence-lbt (the power comes back
	# on, as IPMI would) and fence_compute, which waits until NovaEvacuate is
	# done, then enables the service (Nova refuses to clear forced_down until
	# the restarted nova-compute has cleaned up). Only then can NovaCompute
	# start there; it clears forced_down once Nova accepts.
	ons_seen() { [ "$(unfence_ok "$victim")" -gt "$ons" ]; }
	check "$victim unfenced by Pacemaker (stonith history: unfencing successful)" eventually 180 ons_seen
	check "... the level's power device powered it back on (harness fence log)" \
		grep -q "on $victim done" "$CSTATE/fence.log"
	check "... fence-nova's on ran (fence_compute)" device_ran on "$victim" fence-nova
	still_off && "$C" start "$victim" >>"$work/fault.log" 2>&1
else
	check "$victim stayed off (stonith-action=off, nothing powers it on)" still_off
	check "Nova: $victim still forced down and disabled (fence_compute's reason)" \
		svc_is "$victim" "down disabled true *fence_compute*"
	note "powering $victim on again (cluster start)"
	"$C" start "$victim" >>"$work/fault.log" 2>&1
	check "$victim runs again (cluster start)" not still_off
fi
check "NovaCompute started on $victim again; Nova: up, enabled, not forced down" \
	eventually 300 compute_ready "$victim"
t_back=$(now_ms)
figure "kill to $victim's nova-compute up, enabled, not forced down" "$(secs $((t_back - t_kill))) s"
pid2=$(nc_pid "$victim")
check "the new nova-compute (PID $pid2) runs inside $victim" in_node "$victim" "$pid2"
started_after_evacuation() {
	# the end of the evacuation (NovaEvacuate's log) and the new nova-compute's start, in ms
	local line t_done t_start
	line=$(grep -hF "evacuation of $victim finished in" "$CSTATE"/nodes/node*/log-pacemaker/pacemaker.log | tail -n 1)
	t_done=$(date -d "$(awk '{ print $1, $2, $3 }' <<<"$line")" +%s%3N 2>/dev/null) || return 1
	t_start=$(awk -v bt="$(awk '/^btime/ { print $2 }' /proc/stat)" -v hz="$(getconf CLK_TCK)" \
		'{ sub(/.*\) /, ""); printf "%d", (bt + $20 / hz) * 1000 }' "/proc/$pid2/stat") || return 1
	note "evacuation finished at +$(secs $((t_done - t_kill))) s, the new nova-compute started at +$(secs $((t_start - t_kill))) s"
	[ "$t_start" -gt "$t_done" ]
}
check "the new nova-compute started only after the evacuation had finished" started_after_evacuation
completed() {
	api GET "/os-migrations?migration_type=evacuation&source_compute=$victim" |
		jq -e '[.migrations[] | .status] | length > 0 and all(. == "completed")' >/dev/null
}
check "its evacuations cleaned up by the restarted nova-compute (completed)" eventually 60 completed
nc_waited() { grep -rqhF "Nova keeps $victim forced down until its nova-compute has cleaned up" "$CSTATE/nodes/$victim/log-pacemaker"; }
check "... NovaCompute met Nova's refusal to clear forced_down before that, and cleared it after (its log)" nc_waited
check "node attribute evacuate of $victim removed" eventually 30 eval "[ -z \"\$(attr $victim evacuate)\" ]"
note "waiting 25 s: two more monitors of NovaCompute, NovaEvacuate idle"
sleep 25
check "$victim still up, enabled and not forced down" svc_is "$victim" "up enabled false *"
check "NovaCompute still running on $victim (no restart: same PID)" eval "[ \"\$(nc_pid $victim)\" = '$pid2' ] && rsc_on nova-compute $victim"
check "the servers stayed on $target" moved
check "no failed resource action in the cluster" no_failures

# ---------------------------------------------------------------- secrets
touch "$work/run/sampler.stop"
wait "$sampler"
sampler=
check "the argv sampler works: it saw the canary" test -s "$work/canary-hits"
check "no process of the run had the password in its command line (sampled every 0.3 s, $(grep -c . "$work/canary-hits") canary sightings)" \
	eval "[ ! -s '$work/argv-hits' ] || { sed 's/^/# argv: /' '$work/argv-hits'; false; }"
logs() {
	find "$CSTATE"/nodes/*/log-pacemaker "$CSTATE"/nodes/*/log-corosync "$CSTATE/fence.log" \
		"$CSTATE"/nodes/*/*.log "$STATE/log" "$work"/nodes/*/ "$work"/*.log -type f 2>/dev/null
}
pw_in_logs() {
	local f
	f=$(logs | xargs grep -laFf "$work/run/pw.pat" 2>/dev/null)
	[ -z "$f" ] && return 0
	note "the password is in: $f"
	return 1
}
check "the password is in no log of the run ($(logs | wc -l) files: Pacemaker, Corosync, fencing, agents, nova-compute, the cloud)" pw_in_logs
figure "whole run" "$(secs $(($(now_ms) - t_all))) s (before teardown)"
exit 0 # finish runs on EXIT
