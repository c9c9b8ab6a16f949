#!/bin/bash
# Benchmark (not a test): CPU and wall time per monitor of ocf:lifeboat:galera
# against ocf:heartbeat:galera, on the same running Galera server.
#
#   heartbeat-tests/bench/galera.sh [MONITORS]   (default 50)
#
#   AGENT_LB        ours      (default: build/agents/galera)
#   AGENT_HB        the peer  (default: /usr/lib/ocf/resource.d/heartbeat/galera)
#   BENCH_INSTANCE  cluster harness instance (default galerabenchPID)
#
# Setup: a one-node Corosync + Pacemaker cluster from heartbeat-tests/cluster
# (so attrd, the CIB and crm_node are real), and inside node1 a one-node
# Galera cluster (gcomm://node1) started by our agent (start + promote). Both
# agents then get the same parameters, the same instance name (they share the
# node attributes, as a drop-in must) and the environment pacemaker-execd
# gives a recurring monitor, and run from one bash loop inside node1:
#  - Promoted monitor (interval 10s): the server runs in the Primary Component;
#    the deployment's hot path, every 10 s on every node;
#  - Unpromoted monitor (interval 30s): the server is stopped and the node has
#    published its last committed seqno (after our demote).
# Per call: wall time (bash $EPOCHREALTIME around the call) and CPU time =
# user+sys of the agent and of every process it waited for (the mysql client,
# crm_node, crm_attribute, crm_mon...), from bash's `times` (children) over
# the batch. Also: how many programs one monitor execs (strace -f).
# Target: ours needs at least 10x less CPU per Promoted monitor.
# Exits 0 unless the setup fails or an agent returns the wrong code; the
# target line is printed, not asserted.
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CLUSTER=$top/heartbeat-tests/cluster/cluster
AGENT_LB=$(readlink -f "${AGENT_LB:-$top/build/agents/galera}")
AGENT_HB=${AGENT_HB:-/usr/lib/ocf/resource.d/heartbeat/galera}
MONITORS=${1:-${BENCH_MONITORS:-50}}
TARGET=10
export LBT_INSTANCE=${BENCH_INSTANCE:-galerabench$$}
export LBT_STATE_DIR=/tmp/lbt-galera-bench-cluster.$$

die() { echo "galera.sh: $*" >&2; exit 2; }
[ "$(id -u)" = 0 ] || die "run as root"
[ -x "$AGENT_LB" ] || die "$AGENT_LB not built"
[ -x "$AGENT_HB" ] || die "$AGENT_HB missing (resource-agents)"
case $MONITORS in '' | *[!0-9]* | 0) die "usage: $0 [MONITORS]" ;; esac
for t in mariadbd mariadb strace; do command -v "$t" >/dev/null || die "$t not installed"; done

ENV=()
W=$(mktemp -d /tmp/lbt-galera-bench.XXXXXX)
chmod 755 "$W"
cleanup() {
	"$CLUSTER" exec node1 env -i PATH="$PATH" "${ENV[@]}" "$AGENT_LB" stop >/dev/null 2>&1 || true
	"$CLUSTER" down >/dev/null 2>&1 || true
	rm -rf "$W"
}
trap cleanup EXIT

cat >"$W/my.cnf" <<EOF
[mysqld]
bind-address=127.0.0.1
port=62150
innodb_buffer_pool_size=32M
innodb_log_file_size=16M
binlog_format=ROW
default_storage_engine=InnoDB
innodb_autoinc_lock_mode=2
wsrep_on=ON
wsrep_provider=/usr/lib/galera/libgalera_smm.so
wsrep_cluster_name=lbtbench
wsrep_provider_options="gmcast.listen_addr=tcp://0.0.0.0:62151"
wsrep_sst_method=rsync
EOF
install -d -o mysql -g mysql "$W/data"

# The server's socket is the client's default (/run is private to the node):
# the peer's check runs `mysql` without -S, so it must find the server there.
ENV=(OCF_ROOT=/usr/lib/ocf OCF_RESOURCE_INSTANCE=galera:0 OCF_RESKEY_CRM_meta_on_node=node1
	OCF_RESKEY_CRM_meta_promotable=true OCF_RESKEY_CRM_meta_clone_max=1
	OCF_RESKEY_CRM_meta_promoted_max=1 OCF_RESKEY_CRM_meta_notify=true
	OCF_RESKEY_CRM_meta_timeout=30000 OCF_RESKEY_CRM_feature_set=3.16.2
	OCF_RESKEY_wsrep_cluster_address=gcomm://node1:62151 OCF_RESKEY_config="$W/my.cnf"
	OCF_RESKEY_datadir="$W/data" OCF_RESKEY_log="$W/error.log"
	OCF_RESKEY_pid=/run/mysqld/mysqld.pid OCF_RESKEY_socket=/run/mysqld/mysqld.sock
	OCF_RESKEY_enable_creation=true HA_LOGFACILITY=none HA_LOGFILE="$W/agent.log")

echo "setting up: one-node cluster (instance $LBT_INSTANCE) and a one-node Galera inside it" >&2
"$CLUSTER" up --nodes 1 --no-stonith --agents "$(dirname "$AGENT_LB")" >"$W/up.log" 2>&1 ||
	{ cat "$W/up.log" >&2; die "cluster up failed"; }
in_node() { "$CLUSTER" exec node1 "$@"; }
lb() { in_node env -i PATH="$PATH" "${ENV[@]}" OCF_RESKEY_CRM_meta_timeout=120000 "$AGENT_LB" "$@"; }
lb start || die "our start failed"
lb promote || die "our promote failed"

# batch AGENT ROLE INTERVAL WANT N: N monitors from one bash loop in node1;
# prints "wall_ms cpu_ms bad" per call averages (bad = calls not returning WANT).
batch() {
	local agent=$1 role=$2 interval=$3 want=$4 n=$5
	# shellcheck disable=SC2016 # the loop runs in node1's shell
	in_node env -i PATH="$PATH" "${ENV[@]}" OCF_RESKEY_CRM_meta_role="$role" \
		OCF_RESKEY_CRM_meta_interval="$interval" bash -c '
		agent=$1 want=$2 n=$3 t=$4
		for i in 1 2; do "$agent" monitor >/dev/null 2>&1 || true; done  # warm-up
		bad=0 wall=0
		# `times` in this shell, no fork inside the loop: only the agents count
		times >"$t.0"
		for ((i = 0; i < n; i++)); do
			t0=${EPOCHREALTIME/./}
			"$agent" monitor >/dev/null 2>&1 && rc=0 || rc=$?
			t1=${EPOCHREALTIME/./}
			[ "$rc" = "$want" ] || bad=$((bad + 1))
			wall=$((wall + t1 - t0))
		done
		times >"$t.1"
		tail -q -n 1 "$t.0" "$t.1" | awk -v w="$wall" -v n="$n" -v bad="$bad" "
			{ split(\$1, u, /[ms]/); split(\$2, s, /[ms]/); c[NR] = (u[1] * 60 + u[2] + s[1] * 60 + s[2]) * 1000 }
			END { printf \"%.1f %.2f %d\\n\", w / n / 1000, (c[2] - c[1]) / n, bad }"
	' bench "$agent" "$want" "$n" "$W/times"
}
# execs AGENT ROLE INTERVAL: programs one monitor execs (itself included)
execs() {
	in_node env -i PATH="$PATH" "${ENV[@]}" OCF_RESKEY_CRM_meta_role="$2" \
		OCF_RESKEY_CRM_meta_interval="$3" strace -f -qq -e trace=execve -o "$W/strace" \
		"$1" monitor >/dev/null 2>&1 || true
	grep -c 'execve(' "$W/strace" || true
}

report() { # report TITLE WANT ROLE INTERVAL N
	local title=$1 want=$2 role=$3 interval=$4 n=$5 l h
	echo
	echo "$title: $n monitors each (expected rc $want)"
	l=$(batch "$AGENT_LB" "$role" "$interval" "$want" "$n")
	h=$(batch "$AGENT_HB" "$role" "$interval" "$want" "$n")
	printf '  %-22s %10s %12s %8s %10s\n' agent "wall ms" "CPU ms" execs "wrong rc"
	# shellcheck disable=SC2086 # "wall cpu bad"
	set -- $l
	printf '  %-22s %10s %12s %8s %10s\n' "ocf:lifeboat:galera" "$1" "$2" "$(execs "$AGENT_LB" "$role" "$interval")" "$3"
	local lcpu=$2 lwall=$1 lbad=$3
	# shellcheck disable=SC2086
	set -- $h
	printf '  %-22s %10s %12s %8s %10s\n' "ocf:heartbeat:galera" "$1" "$2" "$(execs "$AGENT_HB" "$role" "$interval")" "$3"
	RATIO_CPU=$(awk -v a="$lcpu" -v b="$2" 'BEGIN { if (a > 0) printf "%.1f", b / a; else print "inf" }')
	RATIO_WALL=$(awk -v a="$lwall" -v b="$1" 'BEGIN { if (a > 0) printf "%.1f", b / a; else print "inf" }')
	echo "  ratio (heartbeat / lifeboat): CPU ${RATIO_CPU}x, wall ${RATIO_WALL}x"
	[ "$lbad" = 0 ] && [ "$3" = 0 ] || BAD=1
}

BAD=0
report "Promoted monitor (server running, Primary)" 8 Promoted 10000 "$MONITORS"
PROMOTED_RATIO=$RATIO_CPU
lb demote || die "our demote failed"
report "Unpromoted monitor (server stopped, seqno published)" 0 Unpromoted 30000 \
	$(((MONITORS + 4) / 5))
echo
if awk -v r="$PROMOTED_RATIO" -v t="$TARGET" 'BEGIN { exit !(r == "inf" || r >= t) }'; then
	echo "target: at least ${TARGET}x less CPU per Promoted monitor: met (${PROMOTED_RATIO}x)"
else
	echo "target: at least ${TARGET}x less CPU per Promoted monitor: NOT met (${PROMOTED_RATIO}x)"
fi
[ "$BAD" = 0 ] || die "an agent returned an unexpected code (see the 'wrong rc' column)"
