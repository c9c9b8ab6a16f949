#!/bin/bash
# Benchmark (not a test): cost of one monitor of ocf:lifeboat:rabbitmq-cluster
# against ocf:heartbeat:rabbitmq-cluster, on the same real running RabbitMQ
# node (Debian's 3.10).
#
#   heartbeat-tests/bench/rabbitmq.sh [MONITORS_OURS [MONITORS_PEER]]   (default 50 10)
#
#   AGENT_LB   ours      (default: build/agents/rabbitmq-cluster)
#   AGENT_HB   the peer  (default: /usr/lib/ocf/resource.d/heartbeat/rabbitmq-cluster)
#
# One node is started with our agent on 127.0.0.1 (AMQP 64005, distribution
# 64015, management 64025, epmd 64101, rabbitmqctl 64180-64190), named
# lbtbench@localhost, and both agents monitor it as pacemaker-execd would run
# them (clean environment, OCF variables, a recurring monitor), reading the
# same offline CIB (CIB_file: one online node holding the agents' node
# attributes, so that the peer's cibadmin and crm_attribute calls work as in
# a cluster). The peer has its paths built in: it runs /usr/sbin/rabbitmqctl,
# which su's to the rabbitmq user, so it is given the node name, epmd and CLI
# ports as environment variables (what rabbitmq-env.conf would hold), and the
# node uses the cookie of /var/lib/rabbitmq (copied, not changed).
#
# Per monitor: wall time, and CPU time of the agent and of everything it
# waited for (rabbitmqctl, su, cibadmin, crm_attribute: the children rusage
# of a bash loop, from `times`), plus the CPU the server (beam.smp) spent
# answering (/proc/PID/stat). The target is at least 50x less agent CPU per
# monitor for ours; it is printed, not asserted: the script exits 0 unless the
# setup fails.
set -uo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
AGENT_LB=${AGENT_LB:-$top/build/agents/rabbitmq-cluster}
AGENT_HB=${AGENT_HB:-/usr/lib/ocf/resource.d/heartbeat/rabbitmq-cluster}
N_LB=${1:-50}
N_HB=${2:-10}
TARGET=50
EPMD=64101
NODE=lbtbench@localhost
export PATH=/usr/sbin:/usr/bin:/sbin:/bin

die() {
	echo "rabbitmq.sh: $*" >&2
	exit 2
}
[ "$(id -u)" = 0 ] || die "run as root"
for x in "$AGENT_LB" "$AGENT_HB" /usr/lib/rabbitmq/bin/rabbitmq-server /usr/sbin/rabbitmqctl; do
	[ -x "$x" ] || die "$x is missing"
done
[ -r /var/lib/rabbitmq/.erlang.cookie ] || die "/var/lib/rabbitmq/.erlang.cookie is missing"
case "$N_LB$N_HB" in *[!0-9]*) die "usage: $0 [MONITORS_OURS [MONITORS_PEER]]" ;; esac
for port in 64005 64015 64025 $EPMD; do
	[ -z "$(ss -ltnH "sport = :$port")" ] || die "port $port is in use"
done

S=$(mktemp -d /tmp/lbt-rabbit-bench.XXXXXX)
chmod 755 "$S"
cleanup() {
	local p
	trap - EXIT INT TERM
	run "$AGENT_LB" stop >/dev/null 2>&1
	# anything left that our node started (epmd too)
	grep -lzs "^RABBITMQ_PID_FILE=$S/" /proc/[0-9]*/environ | cut -d/ -f3 |
		while read -r p; do kill -KILL "$p" 2>/dev/null; done
	rm -rf "$S"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

mkdir -p "$S/home"
install -m 400 /var/lib/rabbitmq/.erlang.cookie "$S/home/.erlang.cookie"
echo '[rabbitmq_management].' >"$S/enabled_plugins"
printf 'listeners.tcp.default = 64005\nmanagement.tcp.port = 64025\nmanagement.tcp.ip = 127.0.0.1\n' \
	>"$S/rabbitmq.conf"
: >"$S/env"
cat >"$S/cib.xml" <<EOF
<cib crm_feature_set="3.16.1" validate-with="pacemaker-3.9" epoch="1" num_updates="0" admin_epoch="0" have-quorum="1">
  <configuration><crm_config/><nodes><node id="1" uname="node1"/></nodes><resources/><constraints/></configuration>
  <status><node_state id="1" uname="node1" in_ccm="true" crmd="online" join="member" expected="member"/></status>
</cib>
EOF

# run AGENT ACTION [VAR=VALUE...]: as pacemaker-execd would, with both agents' settings.
run() {
	local agent=$1 op=$2
	shift 2
	env -i PATH="$PATH" OCF_ROOT=/usr/lib/ocf OCF_RESOURCE_INSTANCE=rabbitmq CIB_file="$S/cib.xml" \
		HA_LOGFACILITY=none HA_LOGFILE="$S/agent.log" HA_RSCTMP="$S" OCF_RESKEY_CRM_meta_on_node=node1 \
		OCF_RESKEY_CRM_meta_clone_max=1 OCF_RESKEY_CRM_meta_timeout=100000 \
		OCF_RESKEY_nodename=$NODE OCF_RESKEY_node_port=64005 OCF_RESKEY_dist_port=64015 \
		OCF_RESKEY_epmd_port=$EPMD OCF_RESKEY_ctl_dist_port_min=64180 OCF_RESKEY_home="$S/home" \
		OCF_RESKEY_mnesia_base="$S/mnesia" OCF_RESKEY_log_base="$S/log" \
		OCF_RESKEY_pid_file="$S/rmq.pid" OCF_RESKEY_config_file="$S/rabbitmq.conf" \
		OCF_RESKEY_enabled_plugins_file="$S/enabled_plugins" OCF_RESKEY_env_file="$S/env" \
		OCF_RESKEY_user=root OCF_RESKEY_mgmt_url=http://127.0.0.1:64025 \
		"OCF_RESKEY_erl_args=-kernel inet_dist_use_interface {127,0,0,1}" \
		RABBITMQ_NODENAME=$NODE ERL_EPMD_PORT=$EPMD RABBITMQ_CTL_DIST_PORT_MIN=64185 \
		RABBITMQ_CTL_DIST_PORT_MAX=64190 "$@" "$agent" "$op"
}

echo "# starting $NODE with ours"
run "$AGENT_LB" start || die "start failed: $(tail -n 3 "$S/agent.log")"
BEAM=$(tr -dc 0-9 <"$S/rmq.pid")
TICK=$(getconf CLK_TCK)

beam_cpu_us() { # utime+stime of the server, in us
	awk -v t="$TICK" '{ sub(/^.*\) /, ""); print int(($12 + $13) * 1000000 / t) }' "/proc/$BEAM/stat"
}
US=0
t2us() { # bash `times` field 1m2.345s -> US (no subshell: its CPU would count)
	US=0
	[[ $1 =~ ^([0-9]+)m([0-9]+)\.([0-9]+)s$ ]] || return 0
	local f=${BASH_REMATCH[3]}000000
	US=$((10#${BASH_REMATCH[1]} * 60000000 + 10#${BASH_REMATCH[2]} * 1000000 + 10#${f:0:6}))
}
CPU=0
children_cpu() { # CPU: user+sys of the waited-for children of this shell, in us
	local u s
	times >"$S/times" # a file: `times` in a pipe would run in a subshell
	{ read -r _; read -r u s; } <"$S/times"
	t2us "$u"
	CPU=$US
	t2us "$s"
	CPU=$((CPU + US))
}

# measure NAME AGENT COUNT: COUNT recurring monitors; prints "wall_us cpu_us beam_us fails"
measure() {
	local agent=$2 count=$3 i rc fails=0 c0 c1 b0 b1 t0 t1
	run "$agent" monitor OCF_RESKEY_CRM_meta_interval=10000 >/dev/null 2>&1 # warm-up
	run "$agent" monitor OCF_RESKEY_CRM_meta_interval=10000 >/dev/null 2>&1
	b0=$(beam_cpu_us)
	children_cpu
	c0=$CPU
	t0=${EPOCHREALTIME/[.,]/}
	for ((i = 0; i < count; i++)); do
		run "$agent" monitor OCF_RESKEY_CRM_meta_interval=10000 >/dev/null 2>"$S/err"
		rc=$?
		[ "$rc" = 0 ] || { fails=$((fails + 1)); echo "# $1 monitor rc $rc: $(head -c 200 "$S/err")" >&2; }
	done
	t1=${EPOCHREALTIME/[.,]/}
	children_cpu
	c1=$CPU
	b1=$(beam_cpu_us)
	echo "$(((t1 - t0) / count)) $(((c1 - c0) / count)) $(((b1 - b0) / count)) $fails"
}

echo "# $N_LB monitors with ours, $N_HB with the peer (each after 2 warm-up monitors)"
read -r lb_wall lb_cpu lb_beam lb_fail < <(measure ours "$AGENT_LB" "$N_LB")
read -r hb_wall hb_cpu hb_beam hb_fail < <(measure heartbeat "$AGENT_HB" "$N_HB")

ms() { printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000)); }
ratio() { # ratio A B: A/B with one decimal
	if [ "$2" -le 0 ]; then echo "inf"; else
		printf '%d.%d' $(($1 / $2)) $(((($1 * 10) / $2) % 10))
	fi
}
echo
printf '%-34s %12s %12s %14s %8s\n' "per monitor (recurring, rc 0)" "wall ms" "agent CPU ms" "server CPU ms" "failed"
printf '%-34s %12s %12s %14s %8s\n' "ocf:heartbeat:rabbitmq-cluster" "$(ms "$hb_wall")" \
	"$(ms "$hb_cpu")" "$(ms "$hb_beam")" "$hb_fail/$N_HB"
printf '%-34s %12s %12s %14s %8s\n' "ocf:lifeboat:rabbitmq-cluster" "$(ms "$lb_wall")" \
	"$(ms "$lb_cpu")" "$(ms "$lb_beam")" "$lb_fail/$N_LB"
printf '%-34s %12s %12s %14s\n' "ratio heartbeat/lifeboat" "$(ratio "$hb_wall" "$lb_wall")x" \
	"$(ratio "$hb_cpu" "$lb_cpu")x" "$(ratio "$hb_beam" "$lb_beam")x"
echo
if [ "$lb_cpu" -gt 0 ] && [ $((hb_cpu / lb_cpu)) -ge $TARGET ]; then
	echo "target: at least ${TARGET}x less agent CPU per monitor: met ($(ratio "$hb_cpu" "$lb_cpu")x)"
else
	echo "target: at least ${TARGET}x less agent CPU per monitor: NOT met ($(ratio "$hb_cpu" "$lb_cpu")x)"
fi
