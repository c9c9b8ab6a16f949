#!/bin/bash
# heartbeat-tests/rabbitmq/run.sh - ocf:lifeboat:rabbitmq-cluster against real
# RabbitMQ nodes (Debian's 3.10 on Erlang 25): three nodes on 127.0.0.1 with
# isolated environments, driven the way Pacemaker drives a clone with
# notify=true. An offline CIB (CIB_file) plays the cluster: three Pacemaker
# nodes, online or not as a scenario needs, in which the agent itself keeps
# its node attributes (there is no attrd for a file), so peers are learnt
# exactly as in a cluster. heartbeat-tests/cluster/rabbitmq.sh runs the agent
# under a real Pacemaker.
#
#   AGENT=build/agents/rabbitmq-cluster heartbeat-tests/rabbitmq/run.sh
#
# Ports (all on 127.0.0.1): node N has AMQP 64000+N, distribution 64010+N,
# management API 64020+N, rabbitmqctl 64150+10N..+10; epmd 64100 (shared,
# as clustering needs). N=4 is ocf-tester's node. State in /tmp/lbt-rabbit-run.*.
#
# Covers: bootstrap with set_policy, joins, monitor, a killed node (7) and
# its rejoin, a partition (SIGSTOP past net_ticktime) found by monitor and
# healed by restarting the minority, notify forgetting a stopped node that
# is then reset and joins again, full-cluster restarts (last stopped first,
# data kept; peers known gone: force_boot; an ordered clone started on a node
# that did not stop last: refused at once; a non-ordered one waits for the
# last node, and fails without force_boot if it never comes; nodes whose
# nodes_running_at_shutdown is lost: RabbitMQ decides, the one that did not
# stop last refuses, the last one boots), a node whose data is lost while its
# peers still count it (a peer forgets it, it joins afresh), wrong
# credentials, an unreachable API, the rabbitmqctl fallback without the
# management plugin, ocf-tester.
# TAP output, ending with "N passed, N failed". Every process it starts is
# stopped by PID on exit (epmd too), and the state directory is removed
# (KEEP_STATE=1 keeps it).
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
AGENT=${AGENT:-$HERE/../../build/agents/rabbitmq-cluster}
case $AGENT in /*) ;; *) AGENT=$(pwd)/$AGENT ;; esac
SERVER=/usr/lib/rabbitmq/bin/rabbitmq-server
EPMD_PORT=64100
export PATH=/usr/sbin:/usr/bin:/sbin:/bin

if [ "$(id -u)" != 0 ]; then
	echo "1..0 # SKIP needs root"
	exit 77
fi
for need in "$AGENT" "$SERVER" /usr/sbin/ocf-tester /usr/bin/curl /usr/bin/python3; do
	if [ ! -x "$need" ]; then
		echo "Bail out! $need is missing (see heartbeat-tests/deps.txt)"
		exit 1
	fi
done
for port in 64001 64002 64003 64004 64011 64012 64013 64014 64021 64022 64023 64024 $EPMD_PORT; do
	if [ -n "$(ss -ltnH "sport = :$port" 2>/dev/null)" ]; then
		echo "Bail out! port $port is in use"
		exit 1
	fi
done

STATE=$(mktemp -d /tmp/lbt-rabbit-run.XXXXXX) || exit 1
chmod 755 "$STATE" # ocf-tester runs meta-data as nobody
CIB=$STATE/cib.xml
n=0 passed=0 failed=0
T0=$SECONDS

# ------------------------------------------------------------------ TAP

ok() {
	n=$((n + 1)) passed=$((passed + 1))
	echo "ok $n - $1"
}
not_ok() {
	n=$((n + 1)) failed=$((failed + 1))
	echo "not ok $n - $1"
	[ -z "${2:-}" ] || printf '%s\n' "$2" | sed 's/^/#   /'
}
check() { # check DESC CMD...
	local desc=$1
	shift
	if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}
note() { echo "# [$((SECONDS - T0)) s] $*"; }
eventually() { # eventually SECONDS CMD...: CMD succeeds within SECONDS
	local end=$((SECONDS + $1))
	shift
	until "$@"; do
		[ "$SECONDS" -lt "$end" ] || return 1
		sleep 1
	done
}

# ------------------------------------------------------------------ processes

pid_alive() {
	local st
	st=$(awk '/^State:/ { print $2; exit }' "/proc/$1/status" 2>/dev/null) || return 1
	[ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ]
}

# PIDs of every process started with a RABBITMQ_PID_FILE in our state dir
# (the servers, their start scripts, port programs), from /proc/PID/environ.
our_pids() {
	grep -lzs "^RABBITMQ_PID_FILE=$STATE/" /proc/[0-9]*/environ | sed -n 's|^/proc/\([0-9]*\)/environ$|\1|p' |
		grep -vx "$$"
}

# The epmd on our port: started by the first node, it stays behind.
epmd_pid() {
	local pid
	pid=$(ss -ltnpH "sport = :$EPMD_PORT" 2>/dev/null | grep -o 'pid=[0-9]*' | head -n 1)
	pid=${pid#pid=}
	[ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = epmd ] && echo "$pid"
}

cleanup() {
	local p
	trap - EXIT INT TERM HUP
	for p in $(our_pids); do
		kill -KILL "$p" 2>/dev/null
	done
	p=$(epmd_pid)
	[ -z "$p" ] || kill "$p" 2>/dev/null
	[ -z "${API_PID:-}" ] || kill "$API_PID" 2>/dev/null
	if [ "${KEEP_STATE:-0}" = 1 ]; then
		echo "# state and agent logs kept in $STATE"
	else
		[ "$failed" -eq 0 ] || echo "# state removed; KEEP_STATE=1 keeps it"
		rm -rf "$STATE"
	fi
}
trap cleanup EXIT
trap 'echo "# interrupted"; failed=$((failed + 1)); echo "$passed passed, $failed failed"; exit 130' INT
trap 'echo "# terminated"; failed=$((failed + 1)); echo "$passed passed, $failed failed"; exit 143' TERM
trap 'echo "# hung up"; failed=$((failed + 1)); echo "$passed passed, $failed failed"; exit 129' HUP

# ------------------------------------------------------------------ nodes and the CIB

COOKIE=lbtrabbit$RANDOM$RANDOM
node_dir() {
	local d=$STATE/n$1
	mkdir -p "$d/home"
	if [ ! -f "$d/home/.erlang.cookie" ]; then
		echo "$COOKIE" >"$d/home/.erlang.cookie"
		chmod 400 "$d/home/.erlang.cookie"
	fi
	echo '[rabbitmq_management].' >"$d/enabled_plugins"
	echo '[].' >"$d/no_plugins"
	cat >"$d/rabbitmq.conf" <<EOF
listeners.tcp.default = $((64000 + $1))
management.tcp.port = $((64020 + $1))
management.tcp.ip = 127.0.0.1
loopback_users = none
EOF
}
for i in 1 2 3 4; do node_dir $i; done
: >"$STATE/empty.env"
printf 'guest:guest\n' >"$STATE/creds"
printf 'guest:wrong\n' >"$STATE/creds.wrong"
chmod 600 "$STATE"/creds*

cat >"$CIB" <<EOF
<cib crm_feature_set="3.16.1" validate-with="pacemaker-3.9" epoch="1" num_updates="0" admin_epoch="0" have-quorum="1">
  <configuration>
    <crm_config/>
    <nodes><node id="1" uname="node1"/><node id="2" uname="node2"/><node id="3" uname="node3"/></nodes>
    <resources/>
    <constraints/>
  </configuration>
  <status>
    <node_state id="1" uname="node1" in_ccm="true" crmd="online" join="member" expected="member"/>
    <node_state id="2" uname="node2" in_ccm="true" crmd="online" join="member" expected="member"/>
    <node_state id="3" uname="node3" in_ccm="true" crmd="online" join="member" expected="member"/>
  </status>
</cib>
EOF

pcmk_node() { # pcmk_node N online|offline
	local s='in_ccm="true" crmd="online" join="member" expected="member"'
	[ "$2" = online ] || s='in_ccm="false" crmd="offline" join="down" expected="down"'
	CIB_file=$CIB cibadmin --modify -o status --xml-text "<node_state id=\"$1\" uname=\"node$1\" $s/>"
}

# Node N's parameters, as OCF_RESKEY_ assignments.
params() {
	local d=$STATE/n$1
	echo "OCF_RESKEY_nodename=rabbit$1@localhost"
	echo "OCF_RESKEY_node_port=$((64000 + $1))"
	echo "OCF_RESKEY_dist_port=$((64010 + $1))"
	echo "OCF_RESKEY_epmd_port=$EPMD_PORT"
	echo "OCF_RESKEY_ctl_dist_port_min=$((64150 + 10 * ($1 - 1)))"
	echo "OCF_RESKEY_home=$d/home"
	echo "OCF_RESKEY_mnesia_base=$d/mnesia"
	echo "OCF_RESKEY_log_base=$d/log"
	echo "OCF_RESKEY_pid_file=$d/rmq.pid"
	echo "OCF_RESKEY_config_file=$d/rabbitmq.conf"
	echo "OCF_RESKEY_enabled_plugins_file=$d/enabled_plugins"
	echo "OCF_RESKEY_env_file=$STATE/empty.env"
	echo "OCF_RESKEY_user=root"
	echo "OCF_RESKEY_mgmt_url=http://127.0.0.1:$((64020 + $1))"
	echo "OCF_RESKEY_mgmt_credentials=$STATE/creds"
	echo "OCF_RESKEY_erl_args=-kernel inet_dist_use_interface {127,0,0,1} -kernel net_ticktime 4"
	echo 'OCF_RESKEY_set_policy=ha-all ^(?!amq\.).* {"ha-mode":"all"}'
}

declare -A TMO=([start]=100000 [stop]=90000 [monitor]=40000 [notify]=20000)
RC='' REASON='' MS=0

# ra N ACTION [VAR=VALUE...]: run the agent for node N like pacemaker-execd
# would; RC, REASON (first ocf-exit-reason), MS (wall time).
ra() {
	local nd=$1 op=$2 t0 env=()
	shift 2
	mapfile -t env < <(params "$nd")
	t0=$(date +%s%N)
	mkdir -p "$STATE/n$nd/rsctmp"
	env -i PATH="$PATH" OCF_ROOT=/usr/lib/ocf OCF_RESOURCE_INSTANCE=rabbitmq CIB_file="$CIB" \
		HA_RSCTMP="$STATE/n$nd/rsctmp" HA_LOGFACILITY=none HA_LOGFILE="$STATE/n$nd/agent.log" HA_debug=1 \
		OCF_RESKEY_CRM_meta_on_node="node$nd" OCF_RESKEY_CRM_meta_clone_max=3 \
		OCF_RESKEY_CRM_meta_clone_node_max=1 OCF_RESKEY_CRM_meta_notify=true \
		OCF_RESKEY_CRM_meta_timeout="${TMO[$op]:-20000}" "${env[@]}" "$@" \
		timeout -k 5 150 "$AGENT" "$op" >"$STATE/n$nd/out" 2>"$STATE/n$nd/err"
	RC=$?
	MS=$((($(date +%s%N) - t0) / 1000000))
	REASON=$(sed -n 's/^ocf-exit-reason://p' "$STATE/n$nd/err" | head -n 1)
	echo "$(date +%T) node$nd $op $* -> $RC (${MS} ms) $REASON" >>"$STATE/actions.log"
}

# expect WANT[:WORD] DESC N ACTION [VAR=VALUE...]
expect() {
	local want=${1%%:*} word="" desc=$2 why="" nd=$3
	case $1 in *:*) word=${1#*:} ;; esac
	shift 2
	ra "$@"
	if [ "$RC" != "$want" ]; then
		why="exit $RC, expected $want"
	elif [ "$RC" -ne 0 ] && [ "$RC" -ne 7 ] && [ -z "$REASON" ]; then
		why="exit $RC without an ocf-exit-reason line"
	elif [ -n "$word" ] && [[ $REASON != *"$word"* ]]; then
		why="exit reason does not mention '$word'"
	fi
	if [ -z "$why" ]; then
		ok "$desc (exit $RC, $((MS / 1000)).$(((MS % 1000) / 100)) s)"
	else
		not_ok "$desc" "$why
reason: $REASON
agent log: $(tail -n 5 "$STATE/n$nd/agent.log" 2>/dev/null)"
	fi
}

mon() { ra "$1" monitor OCF_RESKEY_CRM_meta_interval=10000 "${@:2}"; }
mon_is() { # mon_is WANT N: a recurring monitor of node N returns WANT
	mon "$2"
	[ "$RC" = "$1" ]
}
notify_post_stop() { # notify_post_stop STOPPED_PCMK_NODE ON_NODES...
	local stopped=$1 nd
	shift
	for nd in "$@"; do
		ra "$nd" notify OCF_RESKEY_CRM_meta_notify_type=post \
			OCF_RESKEY_CRM_meta_notify_operation=stop \
			OCF_RESKEY_CRM_meta_notify_stop_uname="$stopped"
	done
}

# ------------------------------------------------------------------ RabbitMQ itself

api() { # api N PATH: GET from node N's management API
	curl -s -m 5 -u guest:guest "http://127.0.0.1:$((64020 + $1))$2"
}
members() { # members N: "name:running" of node N's view, sorted
	api "$1" '/api/nodes?columns=name,running' |
		python3 -c 'import json,sys; print(" ".join(sorted("%s:%s" % (n["name"].split("@")[0], n["running"]) for n in json.load(sys.stdin))))' 2>/dev/null
}
members_are() { # members_are N EXPECTED
	local got
	got=$(members "$1")
	[ "$got" = "$2" ] && return 0
	echo "# node$1 sees: ${got:-nothing}"
	return 1
}
ALL3="rabbit1:True rabbit2:True rabbit3:True"
no_partitions() { # no_partitions N...: no node reports a partition
	local nd
	for nd in "$@"; do
		api "$nd" '/api/nodes?columns=partitions' | grep -q '"partitions":\["' && return 1
	done
	return 0
}
policy_set() { api "$1" /api/policies | grep -q '"name":"ha-all"'; }
attr_of() { # attr_of N: node N's transient rmq-node-attr in the CIB
	CIB_file=$CIB crm_attribute -N "node$1" -n rmq-node-attr-rabbitmq -l reboot --query -q 2>/dev/null
}
beam_of() { tr -dc 0-9 <"$STATE/n$1/rmq.pid" 2>/dev/null; }
log_has() { grep -q -- "$2" "$STATE/n$1/agent.log"; }
log_mark() { : >"$STATE/n$1/agent.log"; } # start a fresh agent log for node N

# A durable queue with one persistent message, through node 1.
queue_put() {
	curl -s -m 5 -u guest:guest -X PUT -H 'content-type: application/json' \
		-d '{"durable":true}' "http://127.0.0.1:64021/api/queues/%2F/lbt-durable" >/dev/null &&
		curl -s -m 5 -u guest:guest -X POST -H 'content-type: application/json' \
			-d '{"properties":{"delivery_mode":2},"routing_key":"lbt-durable","payload":"kept","payload_encoding":"string"}' \
			"http://127.0.0.1:64021/api/exchanges/%2F/amq.default/publish" | grep -q '"routed":true'
}
queue_synced() {
	api 1 '/api/queues/%2F/lbt-durable?columns=synchronised_slave_nodes' | grep -q 'rabbit2.*rabbit3\|rabbit3.*rabbit2'
}
queue_kept() { # queue_kept N: the message is still there
	api "$1" '/api/queues/%2F/lbt-durable?columns=messages' | grep -q '"messages":1'
}

no_server_left() {
	local p left=""
	for p in $(our_pids); do
		[ "$(cat "/proc/$p/comm" 2>/dev/null)" = epmd ] || left="$left $p:$(cat "/proc/$p/comm" 2>/dev/null)"
	done
	[ -z "$left" ] || echo "# left:$left"
	[ -z "$left" ]
}
stop_all() { # stop_all N...: stop in this order (the last one stops last)
	local nd
	for nd in "$@"; do
		ra "$nd" stop
		[ "$RC" = 0 ] || return 1
	done
}

# ------------------------------------------------------------------ tests

t_first_start() {
	note "bootstrap and joins"
	for i in 1 2 3; do
		expect 7 "probe of node$i before anything runs" "$i" monitor
	done
	expect 0 "start node1: bootstraps a cluster" 1 start
	check "node1 runs (management API)" members_are 1 "rabbit1:True"
	check "set_policy ha-all applied" policy_set 1
	check "node1's transient attribute names rabbit1@localhost" test "$(attr_of 1)" = rabbit1@localhost
	check "node1's last-known attribute is permanent" test "$(CIB_file=$CIB crm_attribute -N node1 \
		-n rmq-node-attr-last-known-rabbitmq -l forever --query -q 2>/dev/null)" = rabbit1@localhost
	expect 0 "monitor node1" 1 monitor OCF_RESKEY_CRM_meta_interval=10000
	expect 0 "probe node1" 1 monitor
	expect 0 "start node2: joins node1" 2 start
	check "node2 joined with stop_app/join_cluster/start_app" log_has 2 "Joined cluster by connecting to node rabbit1@localhost"
	expect 0 "start node3: joins" 3 start
	check "node1 sees 3 running members" members_are 1 "$ALL3"
	for i in 1 2 3; do
		expect 0 "monitor node$i, 3 running" "$i" monitor OCF_RESKEY_CRM_meta_interval=10000
	done
	expect 0 "start of a running node is a no-op" 2 start
}

t_kill() {
	note "a killed node: monitor says not running; restart rejoins"
	kill -KILL "$(beam_of 3)"
	eventually 10 mon_is 7 3
	expect 7 "monitor of the killed node3" 3 monitor OCF_RESKEY_CRM_meta_interval=10000
	check "node3's attribute is gone" test -z "$(attr_of 3)"
	expect 0 "monitor node1 with node3 dead (2 of 3 running)" 1 monitor OCF_RESKEY_CRM_meta_interval=10000
	expect 0 "stop node3 (recovery)" 3 stop
	log_mark 3
	expect 0 "start node3: rejoins with its data" 3 start
	check "node3 rejoined without a reset or join_cluster" bash -c "! grep -q 'resetting\|join_cluster\|Joining' '$STATE/n3/agent.log'"
	check "node1 sees 3 running members" members_are 1 "$ALL3"
}

t_partition() {
	local beam
	note "a partition: node3 frozen (SIGSTOP) past net_ticktime, then resumed"
	beam=$(beam_of 3)
	kill -STOP "$beam"
	sleep 12
	expect 0 "monitor node1 while node3 is unreachable" 1 monitor OCF_RESKEY_CRM_meta_interval=10000
	expect 0 "monitor node2 while node3 is unreachable" 2 monitor OCF_RESKEY_CRM_meta_interval=10000
	kill -CONT "$beam"
	if eventually 30 mon_is 1 3; then
		ok "monitor of node3 fails after it came back partitioned: $REASON"
	else
		not_ok "monitor of node3 fails after it came back partitioned" "last rc $RC: $REASON"
	fi
	eventually 20 bash -c "curl -s -m 3 -u guest:guest 'http://127.0.0.1:64021/api/nodes?columns=partitions' | grep -q rabbit3"
	expect 0 "monitor node1: on the winning side" 1 monitor OCF_RESKEY_CRM_meta_interval=10000
	expect "1:minority" "monitor node3: on the losing side of the partition" 3 monitor \
		OCF_RESKEY_CRM_meta_interval=10000
	expect 0 "stop node3 (recovery)" 3 stop
	expect 0 "start node3" 3 start
	check "the partition healed: no node reports one" eventually 20 no_partitions 1 2 3
	check "node3 sees 3 running members" members_are 3 "$ALL3"
	for i in 1 2 3; do
		expect 0 "monitor node$i after the heal" "$i" monitor OCF_RESKEY_CRM_meta_interval=10000
	done
}

t_forget() {
	note "notify post-stop forgets a stopped node; it is reset when it comes back"
	expect 0 "stop node3" 3 stop
	notify_post_stop node3 1 2
	check "notify returned 0" test "$RC" = 0
	check "node1 forgot rabbit3" members_are 1 "rabbit1:True rabbit2:True"
	log_mark 3
	expect 0 "start node3: its cluster disagrees, it resets and joins" 3 start
	check "node3 was reset" log_has 3 "resetting node rabbit3@localhost"
	check "node1 sees 3 running members" members_are 1 "$ALL3"
}

t_full_restart() {
	note "full-cluster restart: the last node stopped starts first"
	check "durable queue with a persistent message, mirrored on 3 nodes" queue_put
	check "the message is on all 3 mirrors" eventually 20 queue_synced
	check "stop node1, node2, node3 (in that order)" stop_all 1 2 3
	for i in 1 2 3; do
		expect 7 "monitor node$i after the full stop" "$i" monitor OCF_RESKEY_CRM_meta_interval=10000
	done
	log_mark 3
	expect 0 "start node3 first (it stopped last)" 3 start
	check "node3 did not wait or force_boot" bash -c "! grep -q 'force_boot\|waiting for' '$STATE/n3/agent.log'"
	expect 0 "start node1" 1 start
	expect 0 "start node2" 2 start
	check "node1 sees 3 running members" members_are 1 "$ALL3"
	check "the durable message survived the full restart" eventually 20 queue_kept 1
	check "the policy survived" policy_set 2
}

t_force_boot() {
	note "full-cluster restart when the nodes that stopped later are gone"
	check "stop node1, node2, node3" stop_all 1 2 3
	pcmk_node 2 offline
	pcmk_node 3 offline
	log_mark 1
	expect 0 "start node1: node2 and node3 are offline in the CIB" 1 start
	check "node1 booted with force_boot" log_has 1 "force_boot"
	check "node1 did not wait for its peers" test "$MS" -lt 60000
	pcmk_node 2 online
	pcmk_node 3 online
	expect 0 "start node3 (back online)" 3 start
	expect 0 "start node2 (back online)" 2 start
	check "node1 sees 3 running members" members_are 1 "$ALL3"
}

t_bounded_wait() {
	note "full-cluster restart, a node that did not stop last starts first"
	check "stop node1, node2, node3" stop_all 1 2 3
	log_mark 1
	expect "1:must start first" "start node1 of an ordered clone: node3 stopped after it and starts after it, so node1 refuses" \
		1 start OCF_RESKEY_CRM_meta_ordered=true
	check "node1 neither booted nor used force_boot" bash -c "! grep -q 'boots without waiting\|starting RabbitMQ' '$STATE/n1/agent.log'"
	check "no server of node1 runs" bash -c "! grep -lzs '^RABBITMQ_PID_FILE=$STATE/n1/' /proc/[0-9]*/environ"
	expect 0 "start node3 (stopped last) first" 3 start
	expect 0 "start node1 of the ordered clone: joins node3" 1 start OCF_RESKEY_CRM_meta_ordered=true
	expect 0 "start node2" 2 start
	check "node1 sees 3 running members" members_are 1 "$ALL3"
	check "the durable message survived" eventually 20 queue_kept 1
	check "stop node1, node2, node3" stop_all 1 2 3
	log_mark 1
	log_mark 3
	(
		ra 1 start
		echo "$RC" >"$STATE/n1/bg.rc"
	) &
	local bg=$!
	eventually 60 log_has 1 "waiting for rabbit3@localhost"
	expect 0 "start node3 while node1 (not ordered) waits for it" 3 start
	wait "$bg"
	check "node1 waited for node3 and then started (exit $(cat "$STATE/n1/bg.rc"))" test "$(cat "$STATE/n1/bg.rc")" = 0
	check "no force_boot" bash -c "! grep -q 'boots without waiting' '$STATE/n1/agent.log' '$STATE/n3/agent.log'"
	expect 0 "start node2" 2 start
	check "node1 sees 3 running members" members_are 1 "$ALL3"
	check "the durable message survived" eventually 20 queue_kept 1
	check "stop node1, node2, node3" stop_all 1 2 3
	log_mark 1
	TMO[start]=50000
	expect "1:must start first" "start node1 (not ordered, 50 s timeout): waits for node3 in vain, fails without force_boot" 1 start
	TMO[start]=100000
	check "node1 waited for its peers" log_has 1 "waited for its peers in vain"
	check "no force_boot" bash -c "! grep -q 'boots without waiting' '$STATE/n1/agent.log'"
	check "no server of node1 is left" eventually 10 bash -c "! grep -lzs '^RABBITMQ_PID_FILE=$STATE/n1/' /proc/[0-9]*/environ"
	expect 0 "start node3" 3 start
	expect 0 "start node1" 1 start
	expect 0 "start node2" 2 start
	check "node1 sees 3 running members" members_are 1 "$ALL3"
}

t_bad_live() {
	note "bad input against running nodes"
	expect "6:credentials" "monitor with wrong credentials (HTTP 401)" 1 monitor \
		OCF_RESKEY_CRM_meta_interval=10000 OCF_RESKEY_mgmt_credentials="$STATE/creds.wrong"
	expect "1:does not answer" "monitor with an unreachable management API" 1 monitor \
		OCF_RESKEY_CRM_meta_interval=10000 OCF_RESKEY_mgmt_url=http://127.0.0.1:64099
	expect 0 "monitor without the management plugin (rabbitmqctl fallback)" 1 monitor \
		OCF_RESKEY_CRM_meta_interval=10000 OCF_RESKEY_enabled_plugins_file="$STATE/n1/no_plugins" \
		OCF_RESKEY_mgmt_url=http://127.0.0.1:64099
	expect "5:no-such" "start with a missing config file" 1 start \
		OCF_RESKEY_config_file="$STATE/no-such.conf"
	expect "6:set_policy" "start with a broken set_policy" 1 start "OCF_RESKEY_set_policy=ha-all ^ x"
}

t_stop_all() {
	note "stop everything"
	check "stop node1, node2, node3" stop_all 1 2 3
	for i in 1 2 3; do
		expect 7 "monitor node$i after stop" "$i" monitor OCF_RESKEY_CRM_meta_interval=10000
		check "node$i's attribute is gone" test -z "$(attr_of "$i")"
	done
	check "no server of ours is left (epmd stays, as with systemd)" no_server_left
	expect 0 "stop of a stopped node" 1 stop
}

t_ocf_tester() {
	local args=() line
	note "ocf-tester on node4 (a fresh node, no cluster)"
	while IFS= read -r line; do
		line=${line#OCF_RESKEY_}
		args+=(-o "$line")
	done < <(params 4)
	if env -u CIB_file ocf-tester -n rabbitmq -v "${args[@]}" "$AGENT" >"$STATE/ocf-tester.log" 2>&1; then
		ok "ocf-tester passes ($(grep -c '^Testing\|^Checking' "$STATE/ocf-tester.log") steps)"
	else
		not_ok "ocf-tester passes" "$(grep -v '^Beginning\|^Testing\|^Checking' "$STATE/ocf-tester.log" | tail -n 8)"
	fi
	grep -lzs "^RABBITMQ_PID_FILE=$STATE/n4/" /proc/[0-9]*/environ | cut -d/ -f3 |
		while read -r p; do kill -KILL "$p" 2>/dev/null; done
}

t_first_start
t_kill
t_partition
t_forget
t_full_restart
t_force_boot
t_unknown_last() {
	local f1=$STATE/n1/mnesia/rabbit1@localhost/nodes_running_at_shutdown
	local f3=$STATE/n3/mnesia/rabbit3@localhost/nodes_running_at_shutdown
	note "full-cluster restart, nodes that do not know whether they stopped last"
	check "stop node1, node2, node3" stop_all 1 2 3
	check "node1 and node3 have data but lose nodes_running_at_shutdown" \
		bash -c "test -e '$f1' && test -e '$f3' && rm '$f1' '$f3'"
	log_mark 1
	expect "1:did not stop last" "start node1 of an ordered clone: RabbitMQ waits a round for its tables, so node1 refuses" \
		1 start OCF_RESKEY_CRM_meta_ordered=true
	check "node1 did not use force_boot" bash -c "! grep -q 'boots without waiting' '$STATE/n1/agent.log'"
	check "no server of node1 is left" eventually 10 bash -c "! grep -lzs '^RABBITMQ_PID_FILE=$STATE/n1/' /proc/[0-9]*/environ"
	check "node1's file is absent again (RabbitMQ's rewrite at boot undone)" test ! -e "$f1"
	log_mark 3
	expect 0 "start node3 of the ordered clone: it stopped last, RabbitMQ loads its tables at once" \
		3 start OCF_RESKEY_CRM_meta_ordered=true
	check "node3 did not use force_boot" bash -c "! grep -q 'boots without waiting' '$STATE/n3/agent.log'"
	expect 0 "start node1: joins node3" 1 start
	expect 0 "start node2" 2 start
	check "node1 sees 3 running members" members_are 1 "$ALL3"
	check "the durable message survived" eventually 20 queue_kept 1
}
t_lost_data() {
	local d=$STATE/n1/mnesia/rabbit1@localhost
	note "a node that lost its data while its peers still count it as a member"
	expect 0 "stop node1 (no notification: node2 and node3 still count it)" 1 stop
	check "node1's data directory is lost" bash -c "rm -rf '$d' && test ! -e '$d'"
	log_mark 1
	expect 0 "start node1: join_cluster finds it inconsistent, a peer forgets it, it joins afresh" 1 start
	check "a peer forgot node1 before it joined again" log_has 1 "forgot rabbit1@localhost before it joins again"
	check "no 'reset to join' marker is left once it joined" test ! -e "$d-lifeboat-joining"
	check "node1 sees 3 running members" members_are 1 "$ALL3"
}
t_bounded_wait
t_unknown_last
t_lost_data
t_bad_live
t_stop_all
t_ocf_tester
note "done"
echo "1..$n"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
