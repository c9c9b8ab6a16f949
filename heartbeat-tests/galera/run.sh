#!/bin/bash
# shellcheck disable=SC2317 # helpers are called through ok/eventually
# heartbeat-tests/galera/run.sh - ocf:lifeboat:galera against a real MariaDB
# Galera cluster of three nodes. Every node is a real Pacemaker + Corosync node
# of the test-cluster harness (heartbeat-tests/cluster/cluster), so attributes
# go through a real attrd and the agent sees a real CIB.
#
# Part "manual": Pacemaker manages nothing; the test calls the agent's actions
# itself, in the order and with the environment Pacemaker uses for a
# promotable clone with notify=true (probe, start x3, post-start notify,
# promote of the scored node, the others join, monitors per role, demote,
# stop), and checks bad input, credentials, a non-Primary partition, a
# restart after a clean stop (cluster_host_map), crash recovery with no
# acknowledged commit lost, ocf-tester and valgrind.
# Part "pacemaker": the agent as a real promotable clone: first bootstrap,
# rolling restart, one node killed (fenced), a minority partition never
# promoted, and a full crash of every node, GALERA_CRASHES times, each time
# checking that the highest-seqno node bootstrapped with the same cluster UUID
# and that no acknowledged commit was lost.
# Part "twonode": two_node_mode in a two-node cluster (fencing powers off):
# after the peer is fenced, the survivor bootstraps alone only with it.
#
# Output is TAP ("ok N - ..."), ending with the line "N passed, N failed".
#
# Usage (root): AGENT=build/agents/galera heartbeat-tests/galera/run.sh
#   GALERA_PARTS="manual pacemaker twonode"  parts to run (default: all)
#   GALERA_CRASHES=10                 full-crash rounds under Pacemaker
#   LB_KEEP=1                         keep the work directory and the cluster state
#   LBT_INSTANCE, LBT_STATE_DIR       the cluster harness instance (default: galeraPID)
set -u
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
AGENT=$(readlink -f "${AGENT:-$top/build/agents/galera}")
PARTS=${GALERA_PARTS:-manual pacemaker twonode}
CRASHES=${GALERA_CRASHES:-10}
# A cluster of our own per run: two runs (a developer's and scripts/test.sh's)
# must not share namespaces or state.
export LBT_INSTANCE=${LBT_INSTANCE:-galera$$}
export LBT_STATE_DIR=${LBT_STATE_DIR:-/tmp/lbt-galera-cluster.$$}
CLUSTER=$top/heartbeat-tests/cluster/cluster
PORT=62101 GCOMM=62110 # inside each node's own network namespace

num=0 pass=0 fail=0
W='' writer_pid=''

say() { printf '# %s\n' "$*"; }
# shellcheck source=heartbeat-tests/lib/tap.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/tap.sh"
skip() {
	num=$((num + 1)) pass=$((pass + 1))
	echo "ok $num - $1 # SKIP $2"
}
bail() {
	num=$((num + 1)) fail=$((fail + 1))
	echo "not ok $num - $*"
	exit 1
}

finish() {
	local rc=$?
	trap - EXIT INT TERM
	writer_stop
	if [ "${LB_KEEP:-0}" = 1 ] || [ "$fail" -gt 0 ]; then
		[ -z "$W" ] || say "work directory kept: $W"
		"$CLUSTER" down --keep >/dev/null 2>&1
		say "cluster state kept in $LBT_STATE_DIR"
	else
		"$CLUSTER" down >/dev/null 2>&1
		[ -z "$W" ] || rm -rf "$W"
	fi
	echo "1..$num"
	echo "$pass passed, $fail failed"
	[ "$fail" -eq 0 ] && [ "$rc" -eq 0 ]
	exit $?
}

# ---------------------------------------------------------------- prerequisites
if [ "$(id -u)" != 0 ]; then
	echo "1..0 # SKIP needs root (namespaces, Pacemaker, mariadbd as user mysql)"
	exit 77
fi
for t in mariadbd mariadb mariadb-install-db rsync corosync pacemakerd xmllint; do
	command -v "$t" >/dev/null || { echo "1..0 # SKIP $t not installed"; exit 77; }
done
[ -e /usr/lib/galera/libgalera_smm.so ] || { echo "1..0 # SKIP galera-4 not installed"; exit 77; }
[ -x "$AGENT" ] || { echo "Bail out! agent $AGENT not built"; exit 99; }
trap finish EXIT
trap 'exit 130' INT TERM

W=$(mktemp -d /tmp/lbt-galera-run.XXXXXX)
chmod 755 "$W"
say "work directory $W, agent $AGENT"

# A full "down" first: a state directory kept by "down --keep" still holds the
# harness's "stopping" mark, with which every fencing fails.
"$CLUSTER" down >/dev/null 2>&1
# The agent directory must hold only agents: the harness shows it as ocf:lifeboat.
if ! "$CLUSTER" up --nodes 3 --agents "$(dirname "$AGENT")" >"$W/cluster-up.log" 2>&1; then
	cat "$W/cluster-up.log"
	bail "the test cluster did not come up"
fi
in_node() { "$CLUSTER" exec "$@"; }
cm() { in_node node1 "$@"; } # cluster-wide tools, from node1

# ---------------------------------------------------------------- MariaDB config
# One configuration for all nodes (as Pacemaker would hand it out); the
# per-node paths are agent parameters.
cat >"$W/my.cnf" <<EOF
[mysqld]
bind-address=0.0.0.0
port=$PORT
innodb_buffer_pool_size=32M
innodb_log_file_size=16M
binlog_format=ROW
default_storage_engine=InnoDB
innodb_autoinc_lock_mode=2
wsrep_on=ON
wsrep_provider=/usr/lib/galera/libgalera_smm.so
wsrep_cluster_name=lbtgalera
wsrep_provider_options="gmcast.listen_addr=tcp://0.0.0.0:$GCOMM;evs.suspect_timeout=PT3S;evs.inactive_timeout=PT6S"
wsrep_sst_method=rsync
EOF
# Every node of a real cluster has its own /tmp; these share the host's, and
# servers starting side by side (mysql_install_db) delete each other's
# temporary tables there. So each node's config adds its own tmpdir.
node_cnf() { # node_cnf DIR: DIR/my.cnf = the common config + DIR/tmp
	install -d -o mysql -g mysql "$1" "$1/data" "$1/tmp"
	printf '!include %s\n[mysqld]\ntmpdir=%s/tmp\n' "$W/my.cnf" "$1" >"$1/my.cnf"
}
for n in 1 2 3; do node_cnf "$W/node$n"; done
ADDRESS=gcomm://node1:$GCOMM,node2:$GCOMM,node3:$GCOMM
SOCK=/run/lbt-galera/mysqld.sock # /run is private to each node
PIDF=/run/lbt-galera/mysqld.pid

# ---------------------------------------------------------------- driving the agent
# Timeouts (ms) Pacemaker would pass, from the agent's metadata.
declare -A TMO=([start]=120000 [stop]=120000 [promote]=300000 [demote]=120000 [notify]=60000
	[monitor]=30000 [validate-all]=20000 [status]=60000)
RC='' REASON='' OUT=''

# ra NODE ACTION [NAME=VALUE...]: run the agent in NODE like Pacemaker does;
# sets RC and REASON (the first ocf-exit-reason). NAME=VALUE are extra
# environment settings (OCF_RESKEY_...), or unset with NAME=.
ra() {
	local n=$1 op=$2 env
	shift 2
	env=(OCF_ROOT=/usr/lib/ocf OCF_RESOURCE_INSTANCE="galera:$((n - 1))"
		OCF_RESKEY_CRM_meta_on_node="node$n" OCF_RESKEY_CRM_meta_timeout="${TMO[$op]:-20000}"
		OCF_RESKEY_CRM_meta_promotable=true OCF_RESKEY_CRM_meta_clone_max=3
		OCF_RESKEY_CRM_meta_clone_node_max=1 OCF_RESKEY_CRM_meta_promoted_max=3
		OCF_RESKEY_CRM_meta_promoted_node_max=1 OCF_RESKEY_CRM_meta_notify=true
		OCF_RESKEY_wsrep_cluster_address="$ADDRESS" OCF_RESKEY_config="$W/node$n/my.cnf"
		OCF_RESKEY_datadir="$W/node$n/data" OCF_RESKEY_log="$W/node$n/error.log"
		OCF_RESKEY_pid="$PIDF" OCF_RESKEY_socket="$SOCK" OCF_RESKEY_enable_creation=true
		HA_LOGFACILITY=none HA_LOGFILE="$W/node$n/agent.log" HA_debug=1 "$@")
	local wrap=()
	read -r -a wrap <<<"${AGENT_WRAP:-}" # a wrapper command line, split on blanks
	OUT=$(in_node "node$n" env -i PATH="$PATH" "${env[@]}" "${wrap[@]}" "$AGENT" "$op" 2>&1 >/dev/null)
	RC=$?
	REASON=$(sed -n 's/^ocf-exit-reason://p' <<<"$OUT" | head -n 1)
	[ "$RC" = 0 ] || [ "$RC" = 8 ] || [ "$RC" = 7 ] ||
		say "node$n $op: rc $RC${REASON:+: $REASON}"
}
rc_is() { # rc_is WANT NODE ACTION [ENV...]
	local want=$1
	shift
	ra "$@"
	[ "$RC" = "$want" ] && return 0
	say "expected rc $want from '$*', got $RC: $OUT"
	return 1
}
# rc_reason WANT PATTERN NODE ACTION [ENV...]: that rc and an exit reason matching PATTERN
rc_reason() {
	local want=$1 pat=$2
	shift 2
	rc_is "$want" "$@" || return 1
	grep -qE "$pat" <<<"$REASON" && return 0
	say "exit reason '$REASON' does not match '$pat'"
	return 1
}
probe() { ra "$1" monitor OCF_RESKEY_CRM_meta_interval=0 "${@:2}"; }
mon_promoted() {
	ra "$1" monitor OCF_RESKEY_CRM_meta_interval=10000 OCF_RESKEY_CRM_meta_role=Promoted "${@:2}"
}
mon_unpromoted() {
	ra "$1" monitor OCF_RESKEY_CRM_meta_interval=30000 OCF_RESKEY_CRM_meta_role=Unpromoted "${@:2}"
}
notify() { # notify TYPE OPERATION NODES...
	local type=$1 op=$2 n rc=0
	shift 2
	for n in "$@"; do
		ra "$n" notify OCF_RESKEY_CRM_meta_notify_type="$type" \
			OCF_RESKEY_CRM_meta_notify_operation="$op" || true
		[ "$RC" = 0 ] || rc=1
	done
	return $rc
}
all() { # all ACTION NODES...: in parallel, like a transition; true if every rc is 0
	local op=$1 n rc=0 pids=()
	shift
	for n in "$@"; do
		(
			ra "$n" "$op"
			exit "$RC"
		) &
		pids+=($!)
	done
	for n in "${pids[@]}"; do wait "$n" || rc=1; done
	return $rc
}
wrapped() { # wrapped WRAPPER COMMAND...: run the agent under WRAPPER (valgrind, strace)
	local AGENT_WRAP=$1
	shift
	"$@"
}
each() { # each WANT CHECK NODES...: CHECK (a function taking NODE) gives rc WANT on every node
	local want=$1 check=$2 n
	shift 2
	for n in "$@"; do
		"$check" "$n"
		[ "$RC" = "$want" ] || { say "node$n: $check gave $RC, expected $want: $OUT"; return 1; }
	done
}

# Transient attributes, as attrd knows them: "node=value ..." of galera-NAME (or NAME).
attr() { # attr NODE NAME -> value (empty when unset)
	in_node node1 attrd_updater -Q -N "node$1" -n "$2" 2>/dev/null | sed -n 's/.*value="\([^"]*\)".*/\1/p'
}
scored() { # nodes (numbers) with a positive promotion score
	local n v
	for n in 1 2 3; do
		v=$(attr "$n" master-galera)
		[ -n "$v" ] && [ "$v" -gt 0 ] 2>/dev/null && printf '%s ' "$n"
	done
}
bootstrap_node() { # the node marked galera-bootstrap=true
	local n
	for n in 1 2 3; do [ "$(attr "$n" galera-bootstrap)" = true ] && printf '%s' "$n"; done
}
no_galera_attrs() {
	local left
	left=$(in_node node1 attrd_updater -A -Q -n galera-last-committed 2>/dev/null | grep -v 'value=""')
	left+=$(in_node node1 attrd_updater -A -Q -n master-galera 2>/dev/null | grep -v 'value=""')
	[ -z "$left" ] && return 0
	say "attributes left: $left"
	return 1
}
chosen() { # chosen NODE: NODE is the bootstrap node and the only one with a promotion score
	[ "$(bootstrap_node)/$(scored)" = "$1/$1 " ] && return 0
	say "bootstrap node '$(bootstrap_node)', scores on '$(scored)'"
	return 1
}
published() { # every node published its last committed seqno
	local n
	for n in 1 2 3; do [ -n "$(attr "$n" galera-last-committed)" ] || return 1; done
}

# SQL as root over the node's socket (unix_socket authentication).
sql() { # sql NODE STATEMENT
	in_node "node$1" mariadb -S "$SOCK" -N -B -e "$2" 2>/dev/null
}
status_var() { sql "$1" "SHOW STATUS LIKE '$2'" | cut -f2; }
cluster_size_is() { [ "$(status_var "$1" wsrep_cluster_size)" = "$2" ]; }
grastate() { sed -n "s/^$2:[[:space:]]*//p" "$W/node$1/data/grastate.dat" 2>/dev/null; }
server_pid() { in_node "node$1" cat "$PIDF" 2>/dev/null; }

# ---------------------------------------------------------------- the writer
# Inserts sequential ids through node $WRITER_NODE and records every id whose
# INSERT was acknowledged, so a crash test can compare with the rows present.
WRITER_NODE=1
writer_start() {
	rm -f "$W/writer.stop"
	# shellcheck disable=SC2016 # the script expands its own arguments
	in_node "node$WRITER_NODE" bash -c '
		i=$(($(wc -l <"$1" 2>/dev/null || echo 0) + 1000000 * $3))
		while [ ! -e "$2" ]; do
			i=$((i + 1))
			if mariadb -S "$4" -e "INSERT INTO lbt.w (id) VALUES ($i)" 2>/dev/null; then
				echo "$i" >>"$1"
			else
				sleep 0.2
			fi
		done' writer "$W/acked" "$W/writer.stop" "${ROUND:-0}" "$SOCK" 2>/dev/null &
	writer_pid=$!
}
writer_stop() {
	[ -n "$writer_pid" ] || return 0
	touch "$W/writer.stop"
	local i
	for ((i = 0; i < 50; i++)); do kill -0 "$writer_pid" 2>/dev/null || break; sleep 0.1; done
	kill "$writer_pid" 2>/dev/null
	{ wait "$writer_pid"; } 2>/dev/null
	writer_pid=''
}
acked() { wc -l <"$W/acked" 2>/dev/null || echo 0; }
acked_at_least() { [ "$(acked)" -ge "$1" ]; }
# every acknowledged id is in the table (read on node $1)
no_commit_lost() {
	local missing
	# The acknowledged ids first, then a causal read (wsrep_sync_wait: the
	# node has applied everything committed anywhere before the SELECT), as
	# the writer may still be running. comm needs lexical order on both sides.
	sort "$W/acked" >"$W/acked.sorted"
	sql "$1" "SET SESSION wsrep_sync_wait=1; SELECT id FROM lbt.w" | sort >"$W/present"
	missing=$(comm -23 "$W/acked.sorted" "$W/present" | wc -l)
	[ "$missing" = 0 ] && [ -s "$W/acked.sorted" ] && return 0
	say "$missing of $(wc -l <"$W/acked.sorted") acknowledged commits missing (first: $(comm -23 "$W/acked.sorted" "$W/present" | head -3 | tr '\n' ' '))"
	return 1
}

# ================================================================ part: manual
part_manual() {
	say "---- part manual: the agent driven by hand, as Pacemaker would"
	# Pacemaker manages nothing here, and nothing must be fenced.
	cm crm_attribute --type crm_config --name stonith-enabled --update false >/dev/null 2>&1

	# -------------------------------------------------------- bad input
	ok "meta-data validates against ra-api-1.dtd" sh -c \
		"'$AGENT' meta-data | (cd /usr/share/resource-agents && xmllint --noout --valid -)"
	ok "validate-all with a complete configuration: 0" rc_is 0 1 validate-all
	ok "no wsrep_cluster_address: not configured (6) with a reason" \
		rc_reason 6 wsrep_cluster_address 1 validate-all OCF_RESKEY_wsrep_cluster_address=
	ok "an address without gcomm://: not configured (6)" \
		rc_reason 6 "gcomm://" 1 validate-all OCF_RESKEY_wsrep_cluster_address=node1,node2
	ok "missing datadir: not installed (5) with a reason" \
		rc_reason 5 "Datadir" 1 validate-all OCF_RESKEY_datadir="$W/nonexistent"
	ok "missing datadir: start fails with 5" \
		rc_reason 5 "Datadir" 1 start OCF_RESKEY_datadir="$W/nonexistent"
	ok "missing datadir: a probe finds the resource stopped (7)" \
		rc_is 7 1 monitor OCF_RESKEY_CRM_meta_interval=0 OCF_RESKEY_datadir="$W/nonexistent"
	ok "missing config: not installed (5) with a reason" \
		rc_reason 5 "Config" 1 start OCF_RESKEY_config="$W/nonexistent.cnf"
	ok "missing binary: not installed (5) with a reason" \
		rc_reason 5 "couldn't find command" 1 start OCF_RESKEY_binary=/nonexistent/mariadbd
	ok "unknown user: not installed (5)" rc_reason 5 "User" 1 validate-all OCF_RESKEY_user=lb-nobody
	ok "node not in wsrep_cluster_address: start is not configured (6)" \
		rc_reason 6 "must be a member" 1 start OCF_RESKEY_wsrep_cluster_address=gcomm://nodeX,nodeY
	ok "cluster_host_map without this node: start is not configured (6)" \
		rc_reason 6 "galera name" 1 start OCF_RESKEY_cluster_host_map="node2:a;node3:b"
	ok "not a promotable clone: start is not configured (6)" \
		rc_reason 6 "promotable" 1 start OCF_RESKEY_CRM_meta_promotable= OCF_RESKEY_CRM_meta_promoted_max=
	ok "a bad boolean: not configured (6)" rc_is 6 1 validate-all OCF_RESKEY_two_node_mode=maybe
	ok "an unknown action: unimplemented (3)" rc_is 3 1 migrate_to
	ok "stop of a never-started instance succeeds" rc_is 0 1 stop
	ok "stop with a missing datadir succeeds (stops whatever runs)" rc_is 0 1 stop \
		OCF_RESKEY_datadir="$W/nonexistent"
	ok "stop without wsrep_cluster_address: not configured (6)" \
		rc_reason 6 wsrep_cluster_address 1 stop OCF_RESKEY_wsrep_cluster_address=

	# -------------------------------------------------------- first bootstrap
	ok "probes on all nodes: not running (7)" each 7 probe 1 2 3
	ok "start x3 in parallel (new datadirs, enable_creation)" all start 1 2 3
	ok "every node published galera-last-committed" published
	local b
	b=$(bootstrap_node)
	ok "exactly one node has a promotion score, and it is the bootstrap node ($b)" \
		test "$(scored)" = "$b "
	ok "the bootstrap node is node3 (all at -1 without grastate.dat: the last one, like the peer)" \
		test "$b" = 3
	ok "unpromoted monitors: running (0)" each 0 mon_unpromoted 1 2 3
	ok "post-start notifications succeed" notify post start 1 2 3
	ok "promote the bootstrap node: 0" rc_is 0 "$b" promote
	ok "bootstrap node monitor: promoted (8)" rc_is 8 "$b" monitor \
		OCF_RESKEY_CRM_meta_interval=10000 OCF_RESKEY_CRM_meta_role=Promoted
	ok "after the bootstrap every node has a promotion score" test "$(scored)" = "1 2 3 "
	ok "the bootstrap attribute is gone" test -z "$(bootstrap_node)"
	ok "post-promote notifications succeed" notify post promote 1 2 3
	ok "promote the two others in parallel (SST joiners)" all promote 1 2
	ok "promoted monitors: 8 on every node" each 8 mon_promoted 1 2 3
	ok "wsrep_cluster_size is 3" cluster_size_is 1 3
	ok "a probe of a promoted instance: 8" rc_is 8 2 monitor OCF_RESKEY_CRM_meta_interval=0
	ok "promote of a promoted instance succeeds" rc_is 0 2 promote
	ok "start of an instance promoted outside the cluster's control fails" \
		rc_reason 1 "already running" 2 start
	UUID=$(status_var 1 wsrep_cluster_state_uuid)
	say "cluster UUID $UUID"

	# -------------------------------------------------------- credentials, no fork
	sql 1 "CREATE DATABASE IF NOT EXISTS lbt; CREATE TABLE IF NOT EXISTS lbt.w (id BIGINT PRIMARY KEY);
		CREATE USER IF NOT EXISTS 'lbtcheck'@'localhost' IDENTIFIED BY 'S3cr3t-lbt';
		CREATE USER IF NOT EXISTS 'lbtempty'@'localhost' IDENTIFIED BY '';"
	ok "check_user/check_passwd: monitor 8" mon_promoted_is 8 1 \
		OCF_RESKEY_check_user=lbtcheck OCF_RESKEY_check_passwd=S3cr3t-lbt
	ok "wrong check_passwd: not configured (6), the reason names check_user" \
		rc_reason 6 "check_user" 1 monitor OCF_RESKEY_CRM_meta_interval=10000 \
		OCF_RESKEY_CRM_meta_role=Promoted OCF_RESKEY_check_user=lbtcheck OCF_RESKEY_check_passwd=wrong
	ok "check_passwd_use_empty: an empty password is used" mon_promoted_is 8 1 \
		OCF_RESKEY_check_user=lbtempty OCF_RESKEY_check_passwd=ignored OCF_RESKEY_check_passwd_use_empty=1
	ok "the password is not in the exit reason or the agent log" \
		not grep -q "S3cr3t-lbt\|wrong" "$W/node1/agent.log"
	if ! command -v strace >/dev/null; then
		skip "a promoted monitor forks nothing" "strace not installed"
	elif ldd "$AGENT" | grep -q libasan; then
		skip "a promoted monitor forks nothing" "an ASan build (LeakSanitizer refuses to run under ptrace)"
	else
		ok "a promoted monitor forks nothing (strace: one execve, the agent's)" no_fork_monitor
	fi
	ok "a server that does not answer on its socket: failed promoted (9)" \
		rc_reason 9 "does not answer" 1 monitor OCF_RESKEY_CRM_meta_interval=10000 \
		OCF_RESKEY_CRM_meta_role=Promoted OCF_RESKEY_socket=/run/lbt-galera/none.sock

	# -------------------------------------------------------- valgrind
	if command -v valgrind >/dev/null && ! ldd "$AGENT" | grep -q libasan; then
		local vg="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite --suppressions=$top/heartbeat-tests/unit/pacemaker.supp"
		ok "valgrind: promoted monitor (with a password) is clean" wrapped "$vg" rc_is 8 1 monitor \
			OCF_RESKEY_CRM_meta_interval=10000 OCF_RESKEY_check_user=lbtcheck \
			OCF_RESKEY_check_passwd=S3cr3t-lbt
		ok "valgrind: a probe is clean" wrapped "$vg" rc_is 8 2 monitor OCF_RESKEY_CRM_meta_interval=0
		ok "valgrind: a post-start notification is clean" wrapped "$vg" rc_is 0 3 notify \
			OCF_RESKEY_CRM_meta_notify_type=post OCF_RESKEY_CRM_meta_notify_operation=start
		ok "valgrind: a wrong password is clean" wrapped "$vg" rc_is 6 1 monitor \
			OCF_RESKEY_CRM_meta_interval=10000 OCF_RESKEY_check_user=lbtcheck \
			OCF_RESKEY_check_passwd=wrong
	else
		skip "valgrind: the agent against the real server" "valgrind missing or an ASan build"
	fi

	# -------------------------------------------------------- non-Primary
	"$CLUSTER" partition node3 >/dev/null 2>&1
	ok "a partitioned node (non-Primary component): failed promoted (9)" \
		eventually 40 rc_reason_quiet 9 "not in primary mode" 3
	ok "the majority stays Primary (8)" each 8 mon_promoted 1 2
	# attrd applies the withdrawal asynchronously
	ok "node3 withdrew its galera-primary attribute (seen from node3)" eventually 15 no_primary_attr 3
	"$CLUSTER" heal >/dev/null 2>&1
	ok "after healing the partition node3 is Primary again" eventually 60 mon_promoted_is 8 3
	ok "wsrep_cluster_size is 3 again" eventually 30 cluster_size_is 1 3

	# -------------------------------------------------------- clean demote and stop
	ok "demote node1: 0" rc_is 0 1 demote
	ok "demoted node1: unpromoted monitor 0, server stopped" each 0 mon_unpromoted 1
	ok "node1 published its seqno again" test -n "$(attr 1 galera-last-committed)"
	ok "no bootstrap node while node2/node3 are Primary" test -z "$(bootstrap_node)"
	ok "demote node2: 0" rc_is 0 2 demote
	ok "demote node3 (the last): 0" rc_is 0 3 demote
	ok "only the last node stopped is safe_to_bootstrap" \
		test "$(grastate 1 safe_to_bootstrap)$(grastate 2 safe_to_bootstrap)$(grastate 3 safe_to_bootstrap)" = 001
	ok "after the last demote, node3 (safe_to_bootstrap) is the bootstrap node" \
		eventually 10 chosen 3
	ok "demote of a demoted instance succeeds" rc_is 0 1 demote
	ok "stop x3: 0" all stop 1 2 3
	ok "stopped: monitors say not running (7)" each 7 mon_unpromoted 1 2 3
	ok "stopped: no galera attribute and no promotion score left" no_galera_attrs
	ok "stop of a stopped instance succeeds" rc_is 0 2 stop

	# -------------------------------------------------------- restart after a clean stop (host map)
	local ip1 ip2 ip3
	ip1=$("$CLUSTER" ip node1) ip2=$("$CLUSTER" ip node2) ip3=$("$CLUSTER" ip node3)
	ADDRESS="gcomm://$ip1:$GCOMM,$ip2:$GCOMM,$ip3:$GCOMM"
	local map="node1:$ip1;node2:$ip2;node3:$ip3"
	say "restart with $ADDRESS and cluster_host_map $map"
	ok "start x3 with cluster_host_map" all_map start 1 2 3
	ok "the safe_to_bootstrap node (node3) is chosen" eventually 10 chosen 3
	ok "promote node3: bootstraps" rc_is 0 3 promote OCF_RESKEY_cluster_host_map="$map"
	ok "the cluster UUID is kept" test "$(status_var 3 wsrep_cluster_state_uuid)" = "$UUID"
	ok "node1 and node2 got scores through the map" test "$(scored)" = "1 2 3 "
	: >"$W/node1/error.log.mark"
	local before1 before2
	before1=$(wc -l <"$W/node1/error.log") before2=$(wc -l <"$W/node2/error.log")
	ok "promote node1 and node2: join" all_map promote 1 2
	ok "the joiners used IST, not a full SST" ist_since 1 "$before1"
	ok "...on both" ist_since 2 "$before2"
	ok "promoted monitors with the map: 8" each 8 mon_promoted_map 1 2 3
	ADDRESS=gcomm://node1:$GCOMM,node2:$GCOMM,node3:$GCOMM

	# -------------------------------------------------------- crash recovery
	: >"$W/acked"
	ROUND=0 writer_start
	ok "the writer commits through node1" eventually 30 acked_at_least 30
	local pids=() n
	for n in 1 2 3; do pids+=("$(server_pid "$n")"); done
	# node3 first: the others commit on without it, so its seqno falls behind
	say "kill -9 of node3's mariadbd (${pids[2]}) with $(acked) commits acknowledged"
	in_node node3 kill -9 "${pids[2]}"
	ok "node1 and node2 go on without node3" eventually 30 cluster_size_is 1 2
	ok "the writer keeps committing" eventually 30 acked_at_least $(($(acked) + 20))
	say "kill -9 of node1's and node2's mariadbd (${pids[0]} ${pids[1]}) with $(acked) commits acknowledged"
	in_node node1 kill -9 "${pids[0]}"
	in_node node2 kill -9 "${pids[1]}"
	sleep 1
	writer_stop
	ok "every grastate.dat says seqno -1 after the crash" \
		test "$(grastate 1 seqno)$(grastate 2 seqno)$(grastate 3 seqno)" = "-1-1-1"
	ok "monitors after the crash: not running (7), so Pacemaker recovers" each 7 mon_promoted 1 2 3
	ok "recovery: demote x3" all demote 1 2 3
	ok "recovery: stop x3" all stop 1 2 3
	ok "recovery: start x3 (--wsrep-recover)" all start 1 2 3
	local best=0 bestseq=-2 s
	for n in 1 2 3; do
		s=$(attr "$n" galera-last-committed)
		say "node$n recovered seqno $s"
		if [ "$s" -ge "$bestseq" ]; then best=$n bestseq=$s; fi
	done
	ok "node3, killed first, recovered a lower seqno" test "$(attr 3 galera-last-committed)" -lt "$bestseq"
	ok "the highest seqno node ($best, $bestseq) is the bootstrap node" test "$(bootstrap_node)" = "$best"
	ok "...and the only one with a score" test "$(scored)" = "$best "
	ok "post-start notifications succeed" notify post start 1 2 3
	ok "promote node$best: bootstraps from its recovered position" rc_is 0 "$best" promote
	ok "it started with --wsrep-start-position" grep -q "new cluster from $UUID:$bestseq" "$W/node$best/agent.log"
	ok "the cluster UUID is kept after the crash" test "$(status_var "$best" wsrep_cluster_state_uuid)" = "$UUID"
	local others=()
	for n in 1 2 3; do [ "$n" = "$best" ] || others+=("$n"); done
	ok "promote the others: join" all promote "${others[@]}"
	ok "promoted monitors: 8 everywhere" each 8 mon_promoted 1 2 3
	ok "no acknowledged commit was lost ($(acked) acknowledged)" no_commit_lost "$best"
	ok "every node has the same rows" same_rows

	# -------------------------------------------------------- ocf-tester
	if command -v ocf-tester >/dev/null; then
		ok "ocf-tester passes on a one-node Galera cluster" run_ocf_tester
	else
		skip "ocf-tester" "not installed"
	fi

	# leave the cluster stopped, cleanly
	all demote 1 2 3
	ok "clean stop at the end of the manual part" all stop 1 2 3
}

rc_reason_quiet() { # rc_reason for eventually: no noise while waiting
	local want=$1 pat=$2 n=$3
	mon_promoted "$n" >/dev/null 2>&1
	[ "$RC" = "$want" ] && grep -qE "$pat" <<<"$REASON"
}
mon_promoted_is() { # mon_promoted_is WANT NODE [ENV...]
	local want=$1
	shift
	mon_promoted "$@" >/dev/null
	[ "$RC" = "$want" ]
}
all_map() {
	local op=$1 n rc=0 pids=()
	shift
	for n in "$@"; do
		(
			ra "$n" "$op" OCF_RESKEY_cluster_host_map="node1:$ip1;node2:$ip2;node3:$ip3"
			exit "$RC"
		) &
		pids+=($!)
	done
	for n in "${pids[@]}"; do wait "$n" || rc=1; done
	return $rc
}
mon_promoted_map() { mon_promoted "$1" OCF_RESKEY_cluster_host_map="node1:$ip1;node2:$ip2;node3:$ip3"; }
ist_since() { # ist_since NODE LINE: the node's server log has "IST received" after LINE
	tail -n +"$2" "$W/node$1/error.log" | grep -q "IST received" && return 0
	say "node$1: no IST in its log since line $2"
	return 1
}
same_rows() {
	local a b c
	a=$(sql 1 "SELECT COUNT(*), COALESCE(SUM(id),0) FROM lbt.w")
	b=$(sql 2 "SELECT COUNT(*), COALESCE(SUM(id),0) FROM lbt.w")
	c=$(sql 3 "SELECT COUNT(*), COALESCE(SUM(id),0) FROM lbt.w")
	[ "$a" = "$b" ] && [ "$b" = "$c" ] && [ -n "$a" ] && return 0
	say "rows differ: '$a' '$b' '$c'"
	return 1
}
no_fork_monitor() {
	wrapped "strace -f -qq -e trace=execve -o $W/strace.out" ra 1 monitor \
		OCF_RESKEY_CRM_meta_interval=10000 OCF_RESKEY_CRM_meta_role=Promoted \
		OCF_RESKEY_check_user=lbtcheck OCF_RESKEY_check_passwd=S3cr3t-lbt
	[ "$RC" = 8 ] || { say "monitor under strace: rc $RC"; return 1; }
	[ "$(grep -c execve "$W/strace.out")" = 1 ] && ! grep -q S3cr3t "$W/strace.out" && return 0
	say "execve calls: $(cat "$W/strace.out")"
	return 1
}
run_ocf_tester() {
	install -d -o mysql -g mysql "$W/solo" "$W/solo/data" "$W/solo/tmp"
	# its own ports: --wsrep-recover binds them too, and node1 runs the 3-node server
	sed -e "s/$GCOMM/62120/" -e "s/^port=.*/port=62121/" "$W/my.cnf" >"$W/solo/my.cnf"
	echo "tmpdir=$W/solo/tmp" >>"$W/solo/my.cnf"
	in_node node1 ocf-tester -n galera \
		-o wsrep_cluster_address="gcomm://node1:62120" -o config="$W/solo/my.cnf" \
		-o datadir="$W/solo/data" -o log="$W/solo/error.log" -o enable_creation=true \
		-o pid=/run/lbt-galera-solo/mysqld.pid -o socket=/run/lbt-galera-solo/mysqld.sock \
		-o CRM_meta_promotable=true -o CRM_meta_on_node=node1 "$AGENT" >"$W/ocf-tester.log" 2>&1
	local rc=$?
	grep -q "passed all tests" "$W/ocf-tester.log" && [ "$rc" = 0 ] && return 0
	sed 's/^/#   /' "$W/ocf-tester.log"
	return 1
}

# ================================================================ part: pacemaker
# galera-clone: a promotable clone with notify; datadir and log per node by rules.
resource_xml() {
	local n
	cat <<EOF
<clone id="galera-clone">
  <meta_attributes id="galera-clone-meta">
    <nvpair id="galera-clone-promotable" name="promotable" value="true"/>
    <nvpair id="galera-clone-promoted-max" name="promoted-max" value="3"/>
    <nvpair id="galera-clone-notify" name="notify" value="true"/>
  </meta_attributes>
  <primitive id="galera" class="ocf" provider="lifeboat" type="galera">
    <instance_attributes id="galera-ia">
      <nvpair id="galera-ia-address" name="wsrep_cluster_address" value="$ADDRESS"/>
      <nvpair id="galera-ia-pid" name="pid" value="$PIDF"/>
      <nvpair id="galera-ia-socket" name="socket" value="$SOCK"/>
      <nvpair id="galera-ia-create" name="enable_creation" value="true"/>
    </instance_attributes>
EOF
	for n in 1 2 3; do
		cat <<EOF
    <instance_attributes id="galera-ia-node$n" score="10">
      <rule id="galera-rule-node$n" score="INFINITY">
        <expression id="galera-expr-node$n" attribute="#uname" operation="eq" value="node$n"/>
      </rule>
      <nvpair id="galera-config-node$n" name="config" value="$W/pcmk$n/my.cnf"/>
      <nvpair id="galera-datadir-node$n" name="datadir" value="$W/pcmk$n/data"/>
      <nvpair id="galera-log-node$n" name="log" value="$W/pcmk$n/error.log"/>
    </instance_attributes>
EOF
	done
	cat <<EOF
    <operations>
      <op id="galera-start" name="start" interval="0s" timeout="120s"/>
      <op id="galera-stop" name="stop" interval="0s" timeout="120s"/>
      <op id="galera-promote" name="promote" interval="0s" timeout="300s"/>
      <op id="galera-demote" name="demote" interval="0s" timeout="120s"/>
      <op id="galera-notify" name="notify" interval="0s" timeout="60s"/>
      <op id="galera-monitor-promoted" name="monitor" interval="10s" role="Promoted" timeout="30s"/>
      <op id="galera-monitor-unpromoted" name="monitor" interval="30s" role="Unpromoted" timeout="30s"/>
    </operations>
  </primitive>
</clone>
EOF
}

# A node whose Pacemaker answers (for cluster-wide queries).
live_node() {
	local n
	for n in 1 2 3; do
		in_node "node$n" crm_mon -1 >/dev/null 2>&1 && { echo "node$n"; return 0; }
	done
	return 1
}
# Nodes where galera is Promoted and not failed, e.g. "node1 node2 node3".
promoted() {
	local ln
	ln=$(live_node) || return 1
	in_node "$ln" crm_mon -1 --output-as=xml 2>/dev/null |
		xmllint --xpath "//clone[@id='galera-clone']/resource[@role='Promoted' and @failed='false' and @active='true']/node/@name" - 2>/dev/null |
		grep -o 'name="[^"]*"' | cut -d'"' -f2 | sort | tr '\n' ' ' | sed 's/ $//'
}
promoted_is() { [ "$(promoted)" = "$1" ]; }
failures() { # operations that failed, as crm_mon lists them
	local ln
	ln=$(live_node) || return 1
	in_node "$ln" crm_mon -1 --output-as=xml 2>/dev/null |
		xmllint --xpath "count(//failures/failure[starts-with(@op_key,'galera')])" - 2>/dev/null
}
pcmk_uuid() { sql "$1" "SHOW STATUS LIKE 'wsrep_cluster_state_uuid'" | cut -f2; }
node_not_primary() { # the node runs no Primary Component of its own
	local st
	st=$(in_node "node$1" mariadb -S "$SOCK" -N -B -e "SHOW STATUS LIKE 'wsrep_cluster_status'" 2>/dev/null | cut -f2)
	[ "$st" != Primary ]
}
# The seqno each datadir would recover to, by the test's own --wsrep-recover.
recovered_seqno() {
	local d=$W/pcmk$1/data log=$W/recover$1.log
	: >"$log"
	chown mysql "$log"
	mariadbd --defaults-file="$W/pcmk$1/my.cnf" --datadir="$d" --user=mysql --wsrep-recover \
		--wsrep-cluster-address="$ADDRESS" --log-error="$log" >/dev/null 2>&1
	sed -n 's/.*WSREP: Recovered position: [0-9a-f-]*:\(-\{0,1\}[0-9]*\).*/\1/p' "$log" | tail -n 1
}
no_primary_attr() { # node $1's attrd holds no galera-primary for it
	test -z "$(in_node "node$1" attrd_updater -Q -N "node$1" -n galera-primary 2>/dev/null | sed -n 's/.*value="\([^"]*\)".*/\1/p')"
}
gstate() { sed -n "s/^$2:[[:space:]]*//p" "$W/pcmk$1/data/grastate.dat"; } # NODE KEY
bootstrapped_node() { # which node logged the bootstrap after line $2 of its pacemaker log
	local n
	for n in 1 2 3; do
		grep -q "Node <node$n> is bootstrapping" "$LBT_STATE_DIR/nodes/node$n/log-pacemaker/pacemaker.log" 2>/dev/null &&
			[ "$(grep -c "Node <node$n> is bootstrapping" "$LBT_STATE_DIR/nodes/node$n/log-pacemaker/pacemaker.log")" -gt "${BOOTS[$n]:-0}" ] &&
			printf '%s' "$n"
	done
}
count_boots() {
	local n
	for n in 1 2 3; do
		BOOTS[n]=$(grep -c "Node <node$n> is bootstrapping" "$LBT_STATE_DIR/nodes/node$n/log-pacemaker/pacemaker.log" 2>/dev/null)
	done
}

part_pacemaker() {
	say "---- part pacemaker: a promotable clone managed by Pacemaker"
	local n
	declare -ga BOOTS=()
	for n in 1 2 3; do node_cnf "$W/pcmk$n"; done
	ADDRESS=gcomm://node1:$GCOMM,node2:$GCOMM,node3:$GCOMM
	cm crm_attribute --type crm_config --name stonith-enabled --update true >/dev/null 2>&1
	resource_xml >"$W/resource.xml"
	ok "the clone is accepted by the CIB" cm cibadmin -C -o resources -x "$W/resource.xml"
	ok "first bootstrap: Promoted on all three nodes" eventually 180 promoted_is "node1 node2 node3"
	UUID=$(pcmk_uuid 1)
	sql 1 "CREATE DATABASE IF NOT EXISTS lbt; CREATE TABLE IF NOT EXISTS lbt.w (id BIGINT PRIMARY KEY)"
	: >"$W/acked"
	ROUND=1 writer_start
	ok "the writer commits through node1" eventually 30 acked_at_least 20
	sleep 12 # a couple of promoted monitors
	ok "no failed operation after the bootstrap" test "$(failures)" = 0

	# -------------------------------------------------------- rolling restart
	local rolled=0
	for n in 2 3 1; do
		[ "$n" = 1 ] && writer_stop
		cm crm_attribute --node "node$n" --name standby --update on >/dev/null 2>&1
		if eventually 120 not_promoted_on "$n" && eventually 180 promoted_is "$(others_of "$n")"; then
			cm crm_attribute --node "node$n" --name standby --update off >/dev/null 2>&1
			eventually 180 promoted_is "node1 node2 node3" && rolled=$((rolled + 1))
		fi
		[ "$n" = 1 ] && ROUND=2 writer_start
	done
	ok "rolling restart: each node left and rejoined, the others stayed Promoted" test "$rolled" = 3
	ok "rolling restart kept the cluster UUID" test "$(pcmk_uuid 2)" = "$UUID"
	ok "rolling restart: no acknowledged commit lost" eventually 10 no_commit_lost 2

	# -------------------------------------------------------- one node killed
	"$CLUSTER" kill node2 >/dev/null 2>&1
	ok "node2 killed: node1 and node3 stay Promoted" eventually 30 promoted_is "node1 node3"
	ok "node2 is fenced, comes back and rejoins" eventually 240 promoted_is "node1 node2 node3"
	ok "the cluster UUID is unchanged" test "$(pcmk_uuid 2)" = "$UUID"

	# -------------------------------------------------------- minority partition
	count_boots
	"$CLUSTER" partition node3 >/dev/null 2>&1
	ok "partition of node3: node1 and node2 stay Promoted" eventually 60 promoted_is "node1 node2"
	local never=1 i
	for ((i = 0; i < 20; i++)); do
		if in_node node3 true 2>/dev/null && ! node_not_primary 3; then
			[ "$(status_var 3 wsrep_cluster_size)" = 1 ] && never=0
		fi
		sleep 1
	done
	ok "the minority node never runs a Primary Component of its own" test "$never" = 1
	ok "nobody bootstrapped during the partition" test -z "$(bootstrapped_node)"
	ok "the writer kept committing on the majority" eventually 20 acked_grows
	"$CLUSTER" heal >/dev/null 2>&1
	ok "after healing, node3 rejoins: Promoted everywhere" eventually 240 promoted_is "node1 node2 node3"
	ok "no acknowledged commit lost" no_commit_lost 3

	# -------------------------------------------------------- clean stop and start of the clone
	writer_stop
	count_boots
	cm crm_resource --resource galera-clone --meta --set-parameter target-role --parameter-value Stopped >/dev/null 2>&1
	ok "target-role=Stopped: every instance stops" eventually 180 stopped_everywhere
	# Pacemaker stops the three instances at once. Galera marks the last node
	# to leave the Primary Component safe_to_bootstrap, but when they leave
	# together none may be marked: then every grastate.dat holds the (same)
	# final seqno and any node with the highest one may bootstrap.
	local safe="" top="" topseq=-2 seq
	for n in 1 2 3; do
		[ "$(gstate "$n" safe_to_bootstrap)" = 1 ] && safe+=$n
		seq=$(gstate "$n" seqno)
		if [ "${seq:--1}" -gt "$topseq" ]; then
			topseq=$seq top=$n
		elif [ "${seq:--1}" = "$topseq" ]; then
			top+=$n
		fi
	done
	ok "at most one node is safe_to_bootstrap after the clean stop (${safe:-none})" test "${#safe}" -le 1
	ok "every node recorded its final seqno in grastate.dat (highest $topseq on ${top})" test "$topseq" -ge 0
	cm crm_resource --resource galera-clone --meta --set-parameter target-role --parameter-value Started >/dev/null 2>&1
	ok "target-role=Started: Promoted on all three nodes" eventually 240 promoted_is "node1 node2 node3"
	if [ -n "$safe" ]; then
		ok "the safe_to_bootstrap node bootstrapped" test "$(bootstrapped_node)" = "$safe"
	else
		local b
		b=$(bootstrapped_node)
		ok "one node with the highest seqno bootstrapped (node${b:-?})" \
			test "${#b}" = 1 -a -n "$b" -a "${top#*"$b"}" != "$top"
	fi
	ok "the cluster UUID is kept" test "$(pcmk_uuid 1)" = "$UUID"
	ok "no acknowledged commit lost" no_commit_lost 1
	ROUND=3 writer_start

	# -------------------------------------------------------- full crashes
	# Odd rounds: every node at once. Even rounds: one node first, the others
	# once the survivors have moved on without it (so its seqno is behind).
	local round best seqs uuid_ok=0 lost_ok=0 boot_ok=0 up_ok=0 behind_ok=0 staggered=0 v
	for ((round = 1; round <= CRASHES; round++)); do
		eventually 30 acked_at_least $(($(acked) + 10)) || true
		v=""
		if [ $((round % 2)) = 0 ]; then
			v=$(((round / 2) % 3 + 1))
			staggered=$((staggered + 1))
			local s1
			s1=$(others_of "$v" | cut -d' ' -f1)
			"$CLUSTER" kill "node$v" >/dev/null 2>&1
			eventually 20 cluster_size_is "${s1#node}" 2 || say "round $round: node$v still counted"
			# The survivors commit without it, so that it is behind (the writer
			# runs in node1, which may be the one killed first).
			local k
			for ((k = 1; k <= 5; k++)); do
				sql "${s1#node}" "INSERT INTO lbt.w (id) VALUES ($((900000000 + round * 100 + k)))" &&
					echo $((900000000 + round * 100 + k)) >>"$W/acked"
			done
			local rest
			read -r -a rest <<<"$(others_of "$v")"
			"$CLUSTER" kill "${rest[@]}" >/dev/null 2>&1
		else
			"$CLUSTER" kill node1 node2 node3 >/dev/null 2>&1
		fi
		writer_stop
		seqs="" best=""
		local bestseq=-2 s
		for n in 1 2 3; do
			s=$(recovered_seqno "$n")
			seqs+="node$n:$s "
			if [ -n "$s" ] && [ "$s" -gt "$bestseq" ]; then best=$n bestseq=$s; fi
		done
		if [ -n "$v" ] && ! grep -q "node$v:$bestseq " <<<"$seqs"; then
			behind_ok=$((behind_ok + 1))
		elif [ -n "$v" ]; then
			say "round $round: node$v, killed first, is not behind: $seqs"
		fi
		count_boots
		for n in 1 2 3; do "$CLUSTER" start "node$n" >/dev/null 2>&1; done
		if eventually 300 promoted_is "node1 node2 node3"; then
			up_ok=$((up_ok + 1))
		else
			say "round $round: not all Promoted: '$(promoted)'"
		fi
		local boot
		boot=$(bootstrapped_node)
		# ties: any node with the highest seqno is right
		if [ -n "$boot" ] && grep -q "node$boot:$bestseq " <<<"$seqs"; then
			boot_ok=$((boot_ok + 1))
		else
			say "round $round: recovered $seqs; bootstrap node '$boot'"
		fi
		[ "$(pcmk_uuid 1)" = "$UUID" ] && uuid_ok=$((uuid_ok + 1))
		no_commit_lost 1 && lost_ok=$((lost_ok + 1))
		say "round $round:${v:+ node$v first,} recovered $seqs-> node$boot bootstrapped, $(acked) commits acknowledged"
		ROUND=$((round + 10)) writer_start
	done
	ok "full crash x$CRASHES: in the $staggered staggered rounds the node killed first was behind" \
		test "$behind_ok" = "$staggered"
	ok "full crash x$CRASHES: Promoted everywhere again each time" test "$up_ok" = "$CRASHES"
	ok "full crash x$CRASHES: the highest-seqno node bootstrapped each time" test "$boot_ok" = "$CRASHES"
	ok "full crash x$CRASHES: the cluster UUID was kept each time" test "$uuid_ok" = "$CRASHES"
	ok "full crash x$CRASHES: no acknowledged commit lost" test "$lost_ok" = "$CRASHES"
	writer_stop
	sleep 12
	ok "no failed galera operation at the end" test "$(failures)" = 0
}
others_of() {
	case $1 in 1) echo "node2 node3" ;; 2) echo "node1 node3" ;; 3) echo "node1 node2" ;; esac
}
not_promoted_on() { ! grep -qw "node$1" <<<"$(promoted)"; }
stopped_everywhere() { # no galera instance active anywhere
	local ln
	ln=$(live_node) || return 1
	[ "$(in_node "$ln" crm_mon -1 --output-as=xml 2>/dev/null |
		xmllint --xpath "count(//clone[@id='galera-clone']/resource[@active='true'])" - 2>/dev/null)" = 0 ]
}
acked_grows() {
	local a
	a=$(acked)
	sleep 2
	[ "$(acked)" -gt "$a" ]
}

# ================================================================ part: twonode
# two_node_mode in a two-node cluster whose fencing powers nodes off: when the
# peer is fenced, the survivor's Galera loses its majority (non-Primary). It
# may bootstrap alone only with two_node_mode; without it, it waits.
part_twonode() {
	say "---- part twonode: two_node_mode in a two-node cluster"
	local n
	writer_stop
	"$CLUSTER" down >/dev/null 2>&1
	if ! "$CLUSTER" up --nodes 2 --agents "$(dirname "$AGENT")" >"$W/cluster-up2.log" 2>&1; then
		cat "$W/cluster-up2.log"
		bail "the two-node test cluster did not come up"
	fi
	for n in 1 2; do
		rm -rf "$W/pcmk$n"
		node_cnf "$W/pcmk$n"
	done
	ADDRESS=gcomm://node1:$GCOMM,node2:$GCOMM
	cm crm_attribute --type crm_config --name stonith-action --update off >/dev/null 2>&1
	resource_xml | sed -e '/galera-ia-node3/,/<\/instance_attributes>/d' \
		-e 's|<nvpair id="galera-clone-promoted-max" name="promoted-max" value="3"/>|<nvpair id="galera-clone-promoted-max" name="promoted-max" value="2"/>|' \
		-e 's|<nvpair id="galera-ia-create"|<nvpair id="galera-ia-2n" name="two_node_mode" value="false"/>\n      &|' \
		>"$W/resource2.xml"
	ok "two nodes: the clone is accepted" cm cibadmin -C -o resources -x "$W/resource2.xml"
	ok "two nodes: Promoted on both" eventually 180 promoted_is "node1 node2"
	UUID=$(pcmk_uuid 1)
	count_boots
	"$CLUSTER" kill node2 >/dev/null 2>&1
	ok "node2 killed: it is fenced (powered off) and stays off" eventually 60 fenced_off node2
	ok "node1's Galera lost its majority: no longer Promoted" eventually 90 promoted_is ""
	ok "without two_node_mode, node1 alone does not bootstrap (waits for node2)" \
		stays_unpromoted 40
	ok "...and says so" grep -q "waiting for a majority\|Waiting on node <node2>" \
		"$LBT_STATE_DIR/nodes/node1/log-pacemaker/pacemaker.log"
	cm crm_resource --resource galera --set-parameter two_node_mode --parameter-value true >/dev/null 2>&1
	ok "with two_node_mode=true, node1 bootstraps alone" eventually 120 promoted_is "node1"
	ok "...it logged the two-node rule" grep -q "Survived a split in a 2-node cluster" \
		"$LBT_STATE_DIR/nodes/node1/log-pacemaker/pacemaker.log"
	ok "...and kept the cluster UUID" test "$(pcmk_uuid 1)" = "$UUID"
	"$CLUSTER" start node2 >/dev/null 2>&1
	ok "node2 powered on again: Promoted on both" eventually 180 promoted_is "node1 node2"
}
fenced_off() { # the node's holder is gone and the cluster saw it fenced
	! "$CLUSTER" exec "$1" true 2>/dev/null &&
		grep -q "off $1: success" "$LBT_STATE_DIR/fence.log" 2>/dev/null
}
stays_unpromoted() { # for $1 seconds, node1 is never Promoted
	local i
	for ((i = 0; i < $1; i++)); do
		[ "$(promoted)" = "" ] || { say "node1 promoted: '$(promoted)'"; return 1; }
		sleep 1
	done
}

for part in $PARTS; do
	case $part in
	manual) part_manual ;;
	pacemaker) part_pacemaker ;;
	twonode) part_twonode ;;
	*) bail "unknown part $part" ;;
	esac
done
