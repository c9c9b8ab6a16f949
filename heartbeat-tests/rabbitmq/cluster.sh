#!/bin/bash
# heartbeat-tests/rabbitmq/cluster.sh - ocf:lifeboat:rabbitmq-cluster as a real
# Pacemaker clone (the reference deployment: notify=true, ordered=true,
# interleave=true, set_policy ha-all) on the 3-node test cluster of
# heartbeat-tests/cluster/cluster, with fencing. Every node is its own network
# namespace (nodeK = 10.99.0.K), so each runs its own RabbitMQ node
# rabbit@nodeK, epmd and ports; nothing is done by hand but what a real
# cluster would suffer:
#
#   1. the clone forms a 3-node RabbitMQ cluster, the policy is applied;
#   2. node2 is killed (fenced and powered on again): the other two keep
#      serving, node2's instance comes back and rejoins;
#   3. RabbitMQ partition: node3's beam.smp is frozen past net_ticktime and
#      thawed; monitor finds node3 on the losing side, Pacemaker restarts it,
#      the partition heals;
#   4. network partition of node3 (corosync and RabbitMQ): node3 is fenced, the
#      majority keeps serving; the link comes back and node3 rejoins;
#   5. full restart, the last node to stop starts first: node1 and node2 are
#      put in standby, so node3 runs alone (the others forgotten) and takes a
#      new durable queue and message; then target-role Stopped (node3 stops
#      last), standby off, target-role Started. Pacemaker starts the ordered
#      clone wherever it likes; a node that did not stop last refuses to start
#      (no force_boot while node3 may come back), node3 boots first with its
#      data, the others rejoin it after failure-timeout. Asserted in RabbitMQ
#      itself: node3 runs the oldest server, both messages and the policy
#      survived, no node used force_boot;
#   6. full restart with the last node gone: the two nodes that are not the
#      home of the durable queues in standby, target-role Stopped, so that
#      the home stops last (checked in the nodes_running_at_shutdown files),
#      standby off, the home powered off cleanly, target-role Started: the node that stopped after
#      the others boots with force_boot, keeping the cluster's data (both
#      durable queues, the policy); the third one joins it (reset first
#      when it waits a whole round for its tables); no node starts an empty
#      cluster. A classic queue whose home is the powered-off node is down
#      meanwhile (listed, not running). The powered-off node comes back: it
#      forgot the others when they stopped before it, and they booted without
#      it, so it is reset to join them (force_boot's trade-off in RabbitMQ),
#      and its warning names the queues (and messages) only its data held.
#
# TAP ("ok N - ..."), ending with "N passed, N failed". Needs root. Everything
# it started (namespaces, processes, mounts, state and work directories) is
# gone when it ends, also on failure or when interrupted; on failure the
# agents' log lines are printed first.
#   AGENT=build/agents/rabbitmq-cluster heartbeat-tests/rabbitmq/cluster.sh
#   LB_KEEP=1   keep the work directory and the cluster state
set -u
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
AGENT=$(readlink -f "${AGENT:-$top/build/agents/rabbitmq-cluster}")
export LBT_INSTANCE=${LBT_INSTANCE:-rabbit}
export LBT_STATE_DIR=${LBT_STATE_DIR:-/tmp/lbt-rabbit-cluster}
CLUSTER=$top/heartbeat-tests/cluster/cluster
ALL="node1 node2 node3"
MEMBERS3="rabbit@node1 rabbit@node2 rabbit@node3"
# the agent's own log lines (not the CIB updates every node logs)
FORCED="rabbitmq-cluster(rabbitmq).*boots without waiting for its peers (force_boot)"
REFUSED="rabbitmq-cluster(rabbitmq).*must start first"
BEHIND="rabbitmq-cluster(rabbitmq).*its data is behind the running cluster"
EMPTY="rabbitmq-cluster(rabbitmq).*starts an empty cluster"
DISCARDS="rabbitmq-cluster(rabbitmq).*discards the queues whose home it is"

num=0 pass=0 fail=0 W='' T0=$SECONDS

say() { printf '# [%d s] %s\n' $((SECONDS - T0)) "$*"; }
# shellcheck source=heartbeat-tests/lib/tap.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/tap.sh"
bail() {
	num=$((num + 1)) fail=$((fail + 1))
	echo "not ok $num - $*"
	exit 1
}
timed() { # timed LABEL SECONDS COMMAND...: eventually, and say how long it took
	local label=$1 t=$SECONDS rc
	shift
	eventually "$@"
	rc=$?
	say "$label: $((SECONDS - t)) s"
	return $rc
}

post_mortem() { # the agent's lines of every node's pacemaker.log, and crm_mon
	local n
	for n in $ALL; do
		say "---- $n: the agent's last log lines"
		grep -h 'rabbitmq' "$LBT_STATE_DIR/nodes/$n/log-pacemaker/pacemaker.log" 2>/dev/null |
			grep -v 'monitor_5000.*ok\|Result of monitor' | tail -n 40 | sed 's/^/#   /'
	done
	crm_xml >/dev/null && in_node "$(live_node)" crm_mon -1 -f 2>/dev/null | sed 's/^/#   /'
}

finish() {
	local rc=$?
	trap - EXIT INT TERM HUP
	if [ "$rc" -ne 0 ] && [ "$fail" -eq 0 ]; then
		num=$((num + 1)) fail=$((fail + 1))
		echo "not ok $num - the suite ended early (exit $rc)"
	fi
	[ "$fail" -eq 0 ] || post_mortem 2>/dev/null
	if [ "${LB_KEEP:-0}" = 1 ]; then
		[ -z "$W" ] || say "work directory kept: $W"
		"$CLUSTER" down --keep >/dev/null 2>&1
		say "cluster state kept in $LBT_STATE_DIR"
	else
		"$CLUSTER" down >/dev/null 2>&1 # kills every process of the nodes: RabbitMQ, epmd
		[ -z "$W" ] || rm -rf "$W"
		rm -rf "$LBT_STATE_DIR"
	fi
	echo "1..$num"
	echo "$pass passed, $fail failed"
	[ "$fail" -eq 0 ] && [ "$rc" -eq 0 ]
	exit $?
}

# ---------------------------------------------------------------- prerequisites
if [ "$(id -u)" != 0 ]; then
	echo "1..0 # SKIP needs root (namespaces, Pacemaker)"
	exit 77
fi
for t in corosync pacemakerd pcs xmllint curl /usr/lib/rabbitmq/bin/rabbitmq-server; do
	command -v "$t" >/dev/null || { echo "1..0 # SKIP $t not installed"; exit 77; }
done
[ -x "$AGENT" ] || { echo "Bail out! agent $AGENT not built"; exit 99; }
trap finish EXIT
trap 'exit 130' INT TERM HUP

W=$(mktemp -d /tmp/lbt-rabbit-cl.XXXXXX)
chmod 755 "$W"
say "work directory $W, agent $AGENT"
if ! "$CLUSTER" up --nodes 3 --agents "$(dirname "$AGENT")" >"$W/cluster-up.log" 2>&1; then
	cat "$W/cluster-up.log"
	bail "the test cluster did not come up"
fi
say "cluster up"
in_node() { "$CLUSTER" exec "$@"; }
cm() { in_node node1 "$@"; }

# ---------------------------------------------------------------- RabbitMQ files
# Shared by the nodes (as a configuration management tool would hand them
# out): the cookie, the configuration. The data is per node by name
# (MNESIA_BASE/rabbit@nodeK); logs and the PID file live in each node's
# private /run.
mkdir -p "$W/home" "$W/mnesia"
echo "lbtrabbit$RANDOM$RANDOM" >"$W/home/.erlang.cookie"
chmod 400 "$W/home/.erlang.cookie"
echo '[rabbitmq_management].' >"$W/enabled_plugins"
cat >"$W/rabbitmq.conf" <<EOF
listeners.tcp.default = 64001
management.tcp.port = 64021
loopback_users = none
EOF
: >"$W/env"
printf 'guest:guest\n' >"$W/creds"
chmod 600 "$W/creds"

API=http://127.0.0.1:64021
api() { # api NODE PATH
	in_node "$1" curl -s -m 5 -u guest:guest "$API$2" 2>/dev/null
}
running_members() { # the members node N sees running, sorted
	api "$1" '/api/nodes?columns=name,running' |
		python3 -c 'import json,sys; print(" ".join(sorted(n["name"] for n in json.load(sys.stdin) if n["running"])))' 2>/dev/null
}
members_are() { [ "$(running_members "$1")" = "$2" ]; }
all_see() { # all_see NODES MEMBERS: every one of NODES sees MEMBERS running
	local n
	for n in $1; do members_are "$n" "$2" || return 1; done
}
no_partitions() {
	local n
	for n in $ALL; do
		api "$n" '/api/nodes?columns=partitions' | grep -q '"partitions":\["' && return 1
	done
	return 0
}
policy_set() { api "$1" /api/policies | grep -q '"name":"ha-all"'; }
beam_of() { in_node "$1" cat /run/lbt-rabbit/rmq.pid 2>/dev/null | tr -dc 0-9; }

live_node() {
	local n
	for n in $ALL; do
		in_node "$n" crm_mon -1 >/dev/null 2>&1 && { echo "$n"; return 0; }
	done
	return 1
}
crm_xml() {
	local ln
	ln=$(live_node) || return 1
	in_node "$ln" crm_mon -1 --output-as=xml 2>/dev/null
}
started_on() { # nodes where the clone runs, sorted
	crm_xml | xmllint --xpath "//clone[@id='rabbitmq-clone']/resource[@role='Started' and @failed='false' and @active='true']/node/@name" - 2>/dev/null |
		grep -o 'name="[^"]*"' | cut -d'"' -f2 | sort | tr '\n' ' ' | sed 's/ $//'
}
started_on_is() { [ "$(started_on)" = "$1" ]; }
stopped_everywhere() { # Pacemaker says so, and no node's RabbitMQ answers
	local n
	[ -z "$(started_on)" ] && [ -n "$(crm_xml)" ] || return 1
	for n in $ALL; do [ -z "$(api "$n" /api/overview)" ] || return 1; done
}
failed_ops() { # failed operations of the clone so far
	crm_xml | xmllint --xpath "count(//failures/failure[starts-with(@op_key,'rabbitmq')])" - 2>/dev/null
}
agent_log_has() { # agent_log_has NODE TEXT: in the node's pacemaker.log
	grep -q -- "$2" "$LBT_STATE_DIR/nodes/$1/log-pacemaker/pacemaker.log" 2>/dev/null
}
partition_found() { [ "$(failed_ops)" != "$fails_before" ] || agent_log_has node3 "minority"; }
healed() { healthy && no_partitions; }
healthy() { # the clone runs everywhere and every node sees all three running
	started_on_is "$ALL" && all_see "$ALL" "$MEMBERS3"
}

queue_put() {
	in_node node1 curl -s -m 5 -u guest:guest -X PUT -H 'content-type: application/json' \
		-d '{"durable":true}' "$API/api/queues/%2F/lbt-durable" >/dev/null &&
		in_node node1 curl -s -m 5 -u guest:guest -X POST -H 'content-type: application/json' \
			-d '{"properties":{"delivery_mode":2},"routing_key":"lbt-durable","payload":"kept","payload_encoding":"string"}' \
			"$API/api/exchanges/%2F/amq.default/publish" | grep -q '"routed":true'
}
queue_synced() {
	api node1 '/api/queues/%2F/lbt-durable?columns=synchronised_slave_nodes' | grep -o 'rabbit@node[0-9]' | sort -u | wc -l | grep -qx 2
}
queue_kept() { # queue_kept NODE [QUEUE]: the queue holds its one message
	api "$1" "/api/queues/%2F/${2:-lbt-durable}?columns=messages" | grep -q '"messages":1'
}
queue_home() { # queue_home NODE QUEUE: the RabbitMQ node its (classic) queue process runs on
	api "$1" "/api/queues/%2F/$2?columns=node" | grep -o 'rabbit@node[0-9]*'
}
rmqctl() { # rmqctl NODE ARGS...: rabbitmqctl on NODE against its own server, as the agent runs it
	local n=$1
	shift
	in_node "$n" env HOME="$W/home" ERL_EPMD_PORT=64100 RABBITMQ_CTL_DIST_PORT_MIN=64150 \
		RABBITMQ_CTL_DIST_PORT_MAX=64160 /usr/lib/rabbitmq/bin/rabbitmqctl -n "rabbit@$n" "$@" 2>/dev/null
}
queues_known() { # queues_known NODE: "NAME STATE" of every queue in the cluster's definitions
	rmqctl "$1" -q list_queues --no-table-headers name state | tr -s ' \t' ' '
}
queue_down() { # queue_down NODE QUEUE: listed by NODE as down (kept, its home node is off)
	queues_known "$1" | grep -qx "$2 down"
}
queue_kept_or_down() { queue_kept "$1" "$2" || queue_down "$1" "$2"; }
queue_put_via() { # queue_put_via NODE QUEUE: a durable queue, one persistent message
	in_node "$1" curl -s -m 5 -u guest:guest -X PUT -H 'content-type: application/json' \
		-d '{"durable":true}' "$API/api/queues/%2F/$2" >/dev/null &&
		in_node "$1" curl -s -m 5 -u guest:guest -X POST -H 'content-type: application/json' \
			-d '{"properties":{"delivery_mode":2},"routing_key":"'"$2"'","payload":"kept","payload_encoding":"string"}' \
			"$API/api/exchanges/%2F/amq.default/publish" | grep -q '"routed":true'
}
standby() { # standby on|off NODE...
	local v=$1 n
	shift
	for n in "$@"; do cm crm_standby -N "$n" -v "$v" >/dev/null 2>&1 || return 1; done
}
target_role() { cm crm_resource --resource rabbitmq-clone --meta --set-parameter target-role --parameter-value "$1" >/dev/null 2>&1; }
# pacemaker.log line counts now, so that log_since greps only what follows
declare -A MARK
log_mark() {
	local n
	for n in $ALL; do
		MARK[$n]=$(wc -l <"$LBT_STATE_DIR/nodes/$n/log-pacemaker/pacemaker.log" 2>/dev/null || echo 0)
	done
}
log_since() { # log_since NODE TEXT: in the node's pacemaker.log since log_mark
	tail -n +"$((${MARK[$1]:-0} + 1))" "$LBT_STATE_DIR/nodes/$1/log-pacemaker/pacemaker.log" 2>/dev/null | grep -q -- "$2"
}
log_since_text() { # log_since_text NODE TEXT: the last such line since log_mark, from TEXT on
	tail -n +"$((${MARK[$1]:-0} + 1))" "$LBT_STATE_DIR/nodes/$1/log-pacemaker/pacemaker.log" 2>/dev/null |
		grep -o -- "$2.*" | tail -1 | sed 's/^rabbitmq-cluster(rabbitmq)\[[0-9]*\]: //'
}
nodes_log_since() { # the nodes whose log has TEXT since log_mark
	local n out=""
	for n in $ALL; do log_since "$n" "$1" && out="$out $n"; done
	echo "${out# }"
}
oldest_server() { # the RabbitMQ node whose server has run longest (each node's own uptime)
	local n
	for n in $ALL; do
		api "$n" '/api/nodes?columns=name,uptime' |
			python3 -c 'import json,sys; [print(n["uptime"], n["name"]) for n in json.load(sys.stdin) if "uptime" in n]' 2>/dev/null
	done | sort -n | tail -n 1 | cut -d' ' -f2
}
stopped_last() { # the node whose nodes_running_at_shutdown names only itself
	local n f
	for n in $ALL; do
		f=$W/mnesia/rabbit@$n/nodes_running_at_shutdown
		[ "$(tr -dc 'a-z0-9@,' <"$f" 2>/dev/null)" = "rabbit@$n" ] && echo "$n"
	done
}

# ---------------------------------------------------------------- 1. formation
say "---- 1. the clone forms the cluster"
ok "the clone is created with pcs" cm pcs resource create rabbitmq ocf:lifeboat:rabbitmq-cluster \
	'set_policy=ha-all ^(?!amq\.).* {"ha-mode":"all"}' user=root home="$W/home" \
	mnesia_base="$W/mnesia" log_base=/run/lbt-rabbit/log pid_file=/run/lbt-rabbit/rmq.pid \
	config_file="$W/rabbitmq.conf" enabled_plugins_file="$W/enabled_plugins" env_file="$W/env" \
	node_port=64001 dist_port=64011 epmd_port=64100 ctl_dist_port_min=64150 \
	mgmt_url=$API mgmt_credentials="$W/creds" erl_args='-kernel net_ticktime 4' \
	op start timeout=120s op stop timeout=90s op monitor interval=5s timeout=40s \
	meta failure-timeout=20s clone notify=true ordered=true interleave=true
ok "the clone runs on all three nodes, each sees three running members" \
	timed "formation" 300 healthy
ok "the policy ha-all is applied" policy_set node2
ok "notify=true is on the clone, where Pacemaker reads it" \
	eval 'cm crm_resource -r rabbitmq-clone --meta -g notify 2>/dev/null | grep -qx true'
ok "no failed operation" test "$(failed_ops)" = 0

# ---------------------------------------------------------------- 2. a node killed
say "---- 2. node2 killed"
"$CLUSTER" kill node2 >/dev/null 2>&1
ok "node1 and node3 keep serving, without node2" \
	timed "survivors settled" 60 all_see "node1 node3" "rabbit@node1 rabbit@node3"
ok "node2 is fenced, comes back, its instance rejoins" timed "node2 back in the cluster" 300 healthy
ok "the policy is still there" policy_set node2

# ---------------------------------------------------------------- 3. RabbitMQ partition
say "---- 3. RabbitMQ partition: node3's beam.smp frozen for 20 s"
before=$(beam_of node3)
fails_before=$(failed_ops)
in_node node3 kill -STOP "$before"
ok "node1 and node2 see node3 gone" timed "node3 seen gone" 30 all_see "node1 node2" "rabbit@node1 rabbit@node2"
sleep 12
in_node node3 kill -CONT "$before"
ok "monitor finds node3 on the losing side (a failed monitor)" \
	timed "partition found by monitor" 60 partition_found
ok "Pacemaker restarted node3's instance, the partition healed" timed "partition healed" 240 healed
ok "node3 runs a new server" test "$(beam_of node3)" != "$before"

# ---------------------------------------------------------------- 4. network partition
say "---- 4. network partition of node3"
"$CLUSTER" partition node3 >/dev/null 2>&1
ok "node1 and node2 keep serving" timed "majority settled" 90 all_see "node1 node2" "rabbit@node1 rabbit@node2"
ok "the clone runs on node1 and node2 (node3 fenced)" eventually 60 started_on_is "node1 node2"
"$CLUSTER" heal >/dev/null 2>&1
ok "after the link is back, node3 rejoins without any other step" timed "node3 rejoined" 300 healthy
ok "no node reports a partition" no_partitions

# ---------------------------------------------------------------- 5. full restart
say "---- 5. full-cluster restart: the last node to stop starts first"
ok "a durable queue with a persistent message" queue_put
ok "mirrored on the other two nodes" eventually 30 queue_synced
standby on node1 node2
ok "node1 and node2 in standby: node3 runs alone and sees itself alone" \
	timed "node3 alone" 120 eval 'started_on_is node3 && members_are node3 rabbit@node3'
ok "while only node3 runs: a new durable queue and message through node3" queue_put_via node3 lbt-last
target_role Stopped
ok "target-role=Stopped: node3, the last one, stops" timed "full stop" 240 stopped_everywhere
ok "node3 stopped last (its nodes_running_at_shutdown names only itself)" test "$(stopped_last)" = node3
standby off node1 node2
log_mark
target_role Started
ok "target-role=Started: the cluster comes back on all three nodes" timed "full start" 360 healthy
ok "node3, which stopped last, runs the oldest RabbitMQ server" test "$(oldest_server)" = rabbit@node3
ok "the message written while only node3 ran survived" eventually 30 queue_kept node1 lbt-last
ok "the older durable message survived" queue_kept node2
ok "the policy survived" policy_set node1
ok "no node used force_boot" test -z "$(nodes_log_since "$FORCED")"
say "nodes that refused to start before node3: $(nodes_log_since "$REFUSED")"

# ---------------------------------------------------------------- 6. last node gone
say "---- 6. full-cluster restart when the last node to stop is gone"
# The case that puts data at risk, made certain (a parallel stop leaves the
# order to chance): the node that stops last, and is then gone, is the home
# of the durable queues.
home=$(queue_home node1 lbt-durable | head -1)
home=${home#rabbit@}
say "home nodes of the queues: lbt-durable on ${home:-?}, lbt-last on $(queue_home node1 lbt-last)"
home=${home:-node3}
others=$(echo "$ALL" | tr ' ' '\n' | grep -vx "$home" | tr '\n' ' ' | sed 's/ $//')
# shellcheck disable=SC2086 # two node names
standby on $others
ok "$others in standby: $home, home of the queues, runs alone" \
	timed "$home alone" 120 eval 'started_on_is "$home" && members_are "$home" "rabbit@$home"'
target_role Stopped
ok "target-role=Stopped: every instance stops" timed "full stop" 240 stopped_everywhere
last=$(stopped_last)
ok "one node stopped last: ${last:-none}, the queues' home" test "$last" = "$home"
rest=$others
[ -n "$last" ] || bail "no node stopped last: cannot go on"
# shellcheck disable=SC2086
standby off $others
"$CLUSTER" stop "$last" >/dev/null 2>&1
say "$last powered off cleanly"
log_mark
target_role Started
ok "target-role=Started: the clone runs on $rest, both see each other" \
	timed "start without $last" 300 eval 'started_on_is "$rest" && all_see "$rest" "rabbit@${rest// / rabbit@}"'
forced=$(nodes_log_since "$FORCED")
ok "exactly one node booted with force_boot (${forced:-none}), $last being offline" \
	test -n "$forced" -a "$(echo "$forced" | wc -w)" = 1
ok "the policy survived the force_boot" policy_set "${rest%% *}"
# A classic queue runs where its home (master) is: one whose home is $last is
# "down" until $last is back, but still in the cluster's durable definitions.
ok "both durable queues are kept: each runs with its message, or is down while its home $last is off" \
	eventually 30 eval 'queue_kept_or_down "${rest%% *}" lbt-durable && queue_kept_or_down "${rest##* }" lbt-last'
say "queues on ${rest%% *}: $(queues_known "${rest%% *}" | tr '\n' ';')"
ok "no node started an empty cluster" test -z "$(nodes_log_since "$EMPTY")"
say "nodes reset because they waited a whole round for their tables: $(nodes_log_since "$BEHIND")"
log_mark
"$CLUSTER" start "$last" >/dev/null 2>&1
ok "$last is powered on and rejoins the cluster" timed "$last back" 300 healed
# The others were forgotten by $last when they stopped before it (post-stop
# notify, as the shell agent does) and booted without it: two histories. The
# force-booted cluster wins, as force_boot means in RabbitMQ; $last is reset to
# join it, and the queues only its data held go, but never silently.
ok "$last, back after a force_boot without it, is reset to join; its warning names the queues that discards" \
	test "$(nodes_log_since "$DISCARDS.*lbt-")" = "$last"
say "$last: $(log_since_text "$last" "$DISCARDS")"
say "nodes reset when $last came back: $(nodes_log_since "rabbitmq-cluster(rabbitmq).*resetting node")"
say "queues after $last came back: $(queues_known node1 | tr '\n' ';')"
say "failed operations crm_mon lists at the end: $(failed_ops)"
