#!/bin/bash
# Benchmark (not a test): cost of ocf:lifeboat:VirtualDomain against
# ocf:heartbeat:VirtualDomain on one real libvirtd + 64 MiB TCG guest.
#
#   heartbeat-tests/bench/virtualdomain.sh [--standalone] [MONITORS [CYCLES]]   (default 50 3)
#
#   AGENT_LB        ours      (default: build/agents/VirtualDomain; "none" to skip)
#   AGENT_HB        the peer  (default: /usr/lib/ocf/resource.d/heartbeat/VirtualDomain)
#   BENCH_MODE      cluster (default) or standalone (same as --standalone)
#   BENCH_INSTANCE  cluster harness instance (default bench -> /var/tmp/lbt/bench)
#   BENCH_INDEX     standalone libvirtd instance (default 4 -> qemu+tcp://127.0.0.5/system)
#
# Two measurements, each a table:
#
# cluster (the deployment case, default): a one-node Corosync + Pacemaker
#   cluster from heartbeat-tests/cluster/cluster (instance BENCH_INSTANCE) with
#   a libvirtd inside node1; the guest runs in that libvirtd, and the CIB has
#   the primitive vd-bench (ocf:heartbeat:VirtualDomain, meta maintenance=true:
#   Pacemaker neither monitors nor touches it, but it is a real primitive whose
#   utilization both agents can write). Both agents run inside node1 with
#   default parameters (autoset_utilization_* true) and
#   OCF_RESOURCE_INSTANCE=vd-bench. Before each agent's warm-up the utilization
#   is deleted from the CIB (and our agent's cache cleared), so each agent's
#   warm-up monitor writes it; the script checks that it landed. The measured
#   monitors are then the steady state: heartbeat reads the utilization back
#   with crm_resource and virsh on every monitor, ours compares it with its
#   cache. Also shown: CPU of node1's pacemaker-based (the CIB daemon) per
#   monitor, and how many processes one monitor execs (strace -f, a few calls).
# standalone, autoset_utilization_* = false: no cluster, a libvirtd of
#   heartbeat-tests/lib/libvirtd.sh on the host. Without a CIB no agent can
#   keep utilization current, so both agents are told not to try (equal
#   footing). With --standalone only the standalone tables are run, plus one
#   with default parameters: there ours hands every monitor to the full agent
#   (the utilization is never known to be in a CIB) and heartbeat's
#   crm_resource calls fail, so that table says little about a deployment.
#
# Each agent gets MONITORS recurring monitors of the same running guest (after
# 2 warm-up monitors), then CYCLES start + stop (force_stop=true, so stop is a
# destroy, not a wait for a guest that ignores ACPI). Every call runs as
# pacemaker-execd would run it (clean environment, OCF variables), from one
# bash loop per batch (in cluster mode inside node1's namespaces).
# Per call: wall time (bash $EPOCHREALTIME around the call) and CPU time =
# user+sys of the agent process and every process it waited for
# (getrusage(RUSAGE_CHILDREN) deltas from bash's `times`, 1 ms resolution per
# call, exact in sum): crm_resource, virsh, the exec'd full agent are all in it.
# For monitors, the daemons' own CPU (/proc/PID/stat) is shown too: work the
# agent makes them do.
# Target: ours needs at least 20x less CPU per monitor, in cluster mode.
# It is a benchmark: it exits 0 unless the setup fails; the target line is
# printed, not asserted.
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
LIBDIR=$top/heartbeat-tests/lib
CLUSTER=$top/heartbeat-tests/cluster/cluster
AGENT_HB=${AGENT_HB:-/usr/lib/ocf/resource.d/heartbeat/VirtualDomain}
AGENT_LB=${AGENT_LB:-$top/build/agents/VirtualDomain}
MODE=${BENCH_MODE:-cluster}
if [ "${1:-}" = --standalone ]; then
	MODE=standalone
	shift
fi
MONITORS=${1:-${BENCH_MONITORS:-50}}
CYCLES=${2:-${BENCH_CYCLES:-3}}
IDX=${BENCH_INDEX:-4}
TARGET=20
EXEC_CALLS=3 # monitors traced per agent to count execs
GUEST_MEM=64 # MiB; the guest has 1 vCPU
RSC=vd-bench
NODE=node1
NODE_URI=qemu+tcp://127.0.0.1/system
export LBT_INSTANCE=${BENCH_INSTANCE:-bench}
export LBT_STATE_DIR=/var/tmp/lbt/$LBT_INSTANCE

die() { echo "virtualdomain.sh: $*" >&2; exit 2; }
[ "$(id -u)" = 0 ] || die "run as root"
[ -x "$AGENT_HB" ] || die "$AGENT_HB missing"
case $MODE in cluster | standalone) ;; *) die "BENCH_MODE must be cluster or standalone" ;; esac
case "$MONITORS$CYCLES" in *[!0-9]*) die "usage: $0 [--standalone] [MONITORS [CYCLES]]" ;; esac
if [ "$AGENT_LB" != none ] && [ ! -x "$AGENT_LB" ]; then
	echo "# ours not found at $AGENT_LB (build it, or set AGENT_LB): measuring the peer only" >&2
	AGENT_LB=none
fi
if [ "$MODE" = cluster ]; then
	missing=""
	[ -x "$CLUSTER" ] || missing="$CLUSTER"
	for c in corosync pacemakerd pcs crm_resource cibadmin nsenter unshare; do
		command -v "$c" >/dev/null || missing="$missing${missing:+ }$c"
	done
	if [ -n "$missing" ]; then
		echo "# cluster harness unusable (missing: $missing): standalone mode only" >&2
		MODE=standalone
	fi
fi
STRACE=$(command -v strace || true)

STATE=$(mktemp -d /tmp/lifeboat-bench-vd.XXXXXX)
chmod 755 "$STATE"
CLUSTER_UP=0
cleanup() {
	trap - EXIT INT TERM
	if [ "$CLUSTER_UP" = 1 ]; then
		"$CLUSTER" down >/dev/null 2>&1 ||
			echo "# cleanup: '$CLUSTER --instance $LBT_INSTANCE down' failed" >&2
	fi
	"$LIBDIR/libvirtd.sh" stopall "$STATE" || true
	rm -rf "$STATE"
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT
trap 'cleanup; exit 143' TERM
setup_failed() { echo "virtualdomain.sh: setup failed: $*" >&2; exit 1; }

DOM=lbbench
CFG=$STATE/$DOM.xml
"$LIBDIR/guest.sh" "$DOM" "$GUEST_MEM" >"$CFG"
TICK=$(getconf CLK_TCK)
node() { "$CLUSTER" exec "$NODE" "$@"; }

# The measuring loop; runs under `env -i` with the OCF environment.
# args: AGENT ROUNDS OP:WANT [OP:WANT...]; prints "OP RC WALL_US CPU_US" per call
# shellcheck disable=SC2016
LOOP='
agent=$1 rounds=$2 tf=$3
shift 3
t2us() { # 1m2.345s -> US (no subshell)
	US=0
	[[ $1 =~ ^([0-9]+)m([0-9]+)\.([0-9]+)s$ ]] || return 0
	local f=${BASH_REMATCH[3]}000000
	US=$(( 10#${BASH_REMATCH[1]} * 60000000 + 10#${BASH_REMATCH[2]} * 1000000 + 10#${f:0:6} ))
}
cpu_us() { # children user+sys of this shell -> CPU (no fork: rusage is per process)
	local l u s
	times >"$tf"
	{ read -r l; read -r u s; } <"$tf"
	t2us "$u"; CPU=$US
	t2us "$s"; CPU=$((CPU + US))
}
for ((r = 0; r < rounds; r++)); do
	for ow in "$@"; do
		op=${ow%%:*}
		cpu_us; c0=$CPU
		t0=${EPOCHREALTIME/[.,]/}
		"$agent" "$op" >/dev/null 2>&1
		rc=$?
		t1=${EPOCHREALTIME/[.,]/}
		cpu_us; c1=$CPU
		echo "$op $rc $((t1 - t0)) $((c1 - c0)) ${ow#*:}"
	done
done
'

# Measurements (tables): cl = cluster, defaults; sa = standalone,
# autoset_utilization_* false; sd = standalone, defaults.
declare -A TITLE=(
	[cl]="cluster mode (1-node Pacemaker, CIB primitive $RSC): default parameters, autoset_utilization_* = true"
	[sa]="standalone mode (no cluster): autoset_utilization_* = false for both agents"
	[sd]="standalone mode (no cluster): default parameters (no CIB: ours falls back to the full agent, heartbeat's crm_resource calls fail)"
)
declare -A SHORT=([cl]="cluster, autoset_utilization_* true" [sa]="standalone, autoset_utilization_* false"
	[sd]="standalone, default parameters (no CIB)")
declare -A URI_OF PATH_HB PATH_LB DPID_OF CPID_OF

# PREFIX (command to enter the place) and ENVS (the OCF environment) for MODE
agent_env() {
	local m=$1
	PREFIX=() # runs on the host
	ENVS=(PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
		HA_RSCTMP="$STATE/rsctmp-$m"
		OCF_ROOT=/usr/lib/ocf OCF_RA_VERSION_MAJOR=1 OCF_RA_VERSION_MINOR=1
		OCF_RESOURCE_INSTANCE="$RSC" OCF_RESOURCE_TYPE=VirtualDomain
		OCF_RESKEY_crm_feature_set=3.16.2
		OCF_RESKEY_config="$CFG" OCF_RESKEY_hypervisor="${URI_OF[$m]}"
		OCF_RESKEY_force_stop=true
		OCF_RESKEY_CRM_meta_interval=10000 OCF_RESKEY_CRM_meta_timeout=30000)
	[ "$m" != cl ] || PREFIX=("$CLUSTER" exec "$NODE")
	if [ "$m" = sa ]; then
		ENVS+=(OCF_RESKEY_autoset_utilization_cpu=false
			OCF_RESKEY_autoset_utilization_host_memory=false
			OCF_RESKEY_autoset_utilization_hv_memory=false)
	fi
}

agent_path() { # MODE hb|lb
	if [ "$2" = hb ]; then echo "${PATH_HB[$1]}"; else echo "${PATH_LB[$1]}"; fi
}

run_batch() { # MODE hb|lb ROUNDS OP:WANT... -> raw lines on stdout
	local m=$1 agent
	agent=$(agent_path "$1" "$2")
	shift 2
	agent_env "$m"
	"${PREFIX[@]}" env -i "${ENVS[@]}" \
		bash -c "$LOOP" loop "$agent" "$1" "$STATE/times.$$" "${@:2}"
}

# count_execs MODE hb|lb -> "EXECS_PER_CALL<TAB>prog n, prog n, ..." (per call)
# Successful execve()s of EXEC_CALLS monitors under strace -f, not counting
# the agent's own start (exec of the full agent by our front does count).
count_execs() {
	local m=$1 a=$2 agent i files=()
	if [ -z "$STRACE" ]; then
		printf -- '-\t(strace not installed)\n'
		return
	fi
	agent=$(agent_path "$m" "$a")
	agent_env "$m"
	for ((i = 0; i < EXEC_CALLS; i++)); do
		"${PREFIX[@]}" env -i "${ENVS[@]}" "$STRACE" -f -qq -e trace=execve -e signal=none \
			-o "$STATE/strace.$m.$a.$i" "$agent" monitor >/dev/null 2>&1 || true
		files+=("$STATE/strace.$m.$a.$i")
	done
	awk -v calls="$EXEC_CALLS" '
		function ok(p) { if (first) { first = 0; return } n++; cnt[p]++ }
		FNR == 1 { first = 1; delete pend }
		/ execve\("/ {
			match($0, /execve\("[^"]*"/)
			k = split(substr($0, RSTART + 8, RLENGTH - 9), parts, "/"); p = parts[k]
			if ($0 ~ /<unfinished \.\.\.>$/) pend[$1] = p
			else if ($0 ~ /= 0$/) ok(p)
			next
		}
		/<\.\.\. execve resumed>/ {
			if ($0 ~ /= 0$/ && ($1 in pend)) ok(pend[$1])
			delete pend[$1]
		}
		function fmt(x) { return (x == int(x)) ? sprintf("%d", x) : sprintf("%.1f", x) }
		END {
			s = ""
			while (length(cnt)) { # by count, descending
				best = ""; for (p in cnt) if (best == "" || cnt[p] > cnt[best] || (cnt[p] == cnt[best] && p < best)) best = p
				s = s (s == "" ? "" : ", ") best " " fmt(cnt[best] / calls); delete cnt[best]
			}
			printf "%s\t%s\n", fmt(n / calls), (s == "" ? "none" : s)
		}' "${files[@]}"
}

cpu_of_pid_us() { # PID -> utime+stime in us, "-" if unknown
	if [ -n "$1" ] && [ -r "/proc/$1/stat" ]; then
		awk -v t="$TICK" '{ sub(/^.*\) /, ""); print ($12 + $13) * 1000000 / t }' "/proc/$1/stat"
	else
		echo -
	fi
}
per_call_ms() { # US0 US1 N -> ms per call
	awk -v a="$1" -v b="$2" -v n="$3" 'BEGIN{ if (a == "-" || b == "-") print "-"; else printf "%.2f", (b - a) / n / 1000 }'
}

# stats FILE OP -> "n bad wall_mean_ms wall_p50_ms cpu_mean_ms"
stats() {
	[ -s "$1" ] || { echo "0 0 - - -"; return; }
	awk -v op="$2" '$1 == op {n++; if ($2 != $5) bad++; w += $3; c += $4; ws[n] = $3}
		END {
			if (!n) { print "0 0 - - -"; exit }
			asort(ws); p = ws[int((n + 1) / 2)]
			printf "%d %d %.1f %.1f %.2f\n", n, bad + 0, w / n / 1000, p / 1000, c / n / 1000
		}' "$1"
}

# Utilization of $RSC in the CIB, as "cpu=N host_memory=N hv_memory=N".
cib_util() {
	local u out=""
	for u in cpu host_memory hv_memory; do
		out="$out${out:+ }$u=$(node crm_resource -Q -r "$RSC" -z -g "$u" 2>/dev/null || true)"
	done
	echo "$out"
}
cib_settle() { node crm_resource --wait --timeout=30s >/dev/null 2>&1 || true; }

guest_create() { # MODE
	local m=$1 pre=()
	[ "$m" != cl ] || pre=("$CLUSTER" exec "$NODE")
	"${pre[@]}" virsh -q -c "${URI_OF[$m]}" destroy "$DOM" >/dev/null 2>&1 || true
	"${pre[@]}" virsh -q -c "${URI_OF[$m]}" create "$CFG" >/dev/null ||
		setup_failed "cannot create the guest in ${URI_OF[$m]}"
}
guest_destroy() {
	local m=$1 pre=()
	[ "$m" != cl ] || pre=("$CLUSTER" exec "$NODE")
	"${pre[@]}" virsh -q -c "${URI_OF[$m]}" destroy "$DOM" >/dev/null 2>&1 || true
}

declare -A DCPU CCPU EXECS EXECPROGS NOTES
# measure MODE: monitors (with warm-up), exec counts, then start/stop cycles
measure() {
	local m=$1 a d0 d1 c0 c1 got want
	mkdir -p "$STATE/rsctmp-$m"
	guest_create "$m"
	for a in "${agents[@]}"; do
		: >"$STATE/$m.$a.raw"
		if [ "$m" = cl ]; then
			# each agent writes the utilization itself in its warm-up
			for u in cpu host_memory hv_memory; do
				node crm_resource -r "$RSC" -z -d "$u" >/dev/null 2>&1 || true
			done
			rm -f "$STATE/rsctmp-$m"/*
			cib_settle
			[ "$(cib_util)" = "cpu= host_memory= hv_memory=" ] ||
				NOTES[$m]+="#   could not clear the utilization before the $a warm-up: $(cib_util)"$'\n'
		fi
		run_batch "$m" "$a" 2 monitor:0 >/dev/null # warm-up
		if [ "$m" = cl ]; then
			got=$(cib_util)
			want="cpu=1 host_memory=$GUEST_MEM hv_memory=$GUEST_MEM"
			if [ "$got" = "$want" ]; then
				NOTES[$m]+="#   utilization written by $a's warm-up monitors landed in the CIB: $got"$'\n'
			else
				NOTES[$m]+="#   WARNING: after $a's warm-up the CIB has $got, not $want"$'\n'
			fi
			cib_settle
		fi
		d0=$(cpu_of_pid_us "${DPID_OF[$m]}")
		c0=$(cpu_of_pid_us "${CPID_OF[$m]:-}")
		run_batch "$m" "$a" "$MONITORS" monitor:0 >>"$STATE/$m.$a.raw"
		d1=$(cpu_of_pid_us "${DPID_OF[$m]}")
		c1=$(cpu_of_pid_us "${CPID_OF[$m]:-}")
		DCPU[$m.$a]=$(per_call_ms "$d0" "$d1" "$MONITORS")
		CCPU[$m.$a]=$(per_call_ms "$c0" "$c1" "$MONITORS")
		IFS=$'\t' read -r "EXECS[$m.$a]" "EXECPROGS[$m.$a]" < <(count_execs "$m" "$a")
	done
	guest_destroy "$m"
	for a in "${agents[@]}"; do
		run_batch "$m" "$a" "$CYCLES" start:0 stop:0 >>"$STATE/$m.$a.raw"
	done
	guest_destroy "$m"
}

ratio() { awk -v h="$1" -v l="$2" 'BEGIN{ if (l == "-" || h == "-" || l + 0 <= 0) print "-"; else printf "%.1fx", h / l }'; }
row() { printf '%-8s %-28s %12s %12s %8s\n' "$@"; }
declare -A MON_H MON_L
bad_total=0
report() { # MODE
	local m=$1 op hn hbad hw hp hc ln lbad lw lp lc
	echo
	echo "== ${TITLE[$m]}"
	row op metric heartbeat lifeboat hb/lb
	for op in monitor start stop; do
		read -r hn hbad hw hp hc <<<"$(stats "$STATE/$m.hb.raw" $op)"
		if [ "$AGENT_LB" != none ]; then
			read -r ln lbad lw lp lc <<<"$(stats "$STATE/$m.lb.raw" $op)"
		else
			ln=0 lbad=0 lw=- lp=- lc=-
		fi
		bad_total=$((bad_total + hbad + lbad))
		row "$op" "calls" "$hn" "$ln" ""
		row "$op" "wall ms/call (mean)" "$hw" "$lw" "$(ratio "$hw" "$lw")"
		row "$op" "wall ms/call (median)" "$hp" "$lp" "$(ratio "$hp" "$lp")"
		row "$op" "CPU ms/call (user+sys)" "$hc" "$lc" "$(ratio "$hc" "$lc")"
		if [ "$op" = monitor ]; then
			row "$op" "libvirtd CPU ms/call" "${DCPU[$m.hb]}" "${DCPU[$m.lb]:--}" \
				"$(ratio "${DCPU[$m.hb]}" "${DCPU[$m.lb]:--}")"
			[ "$m" != cl ] ||
				row "$op" "pacemaker-based CPU ms/call" "${CCPU[$m.hb]}" "${CCPU[$m.lb]:--}" \
					"$(ratio "${CCPU[$m.hb]}" "${CCPU[$m.lb]:--}")"
			row "$op" "execs/call (strace, ${EXEC_CALLS} calls)" "${EXECS[$m.hb]}" "${EXECS[$m.lb]:--}" ""
			MON_H[$m]=$hc MON_L[$m]=$lc
		fi
		[ "$hbad" = 0 ] || echo "#   heartbeat: $hbad $op calls returned an unexpected rc"
		[ "$lbad" = 0 ] || echo "#   lifeboat: $lbad $op calls returned an unexpected rc"
	done
	echo "#   heartbeat monitor execs: ${EXECPROGS[$m.hb]}"
	[ "$AGENT_LB" = none ] || echo "#   lifeboat monitor execs:  ${EXECPROGS[$m.lb]}"
	[ "$m" != cl ] || [ "$AGENT_LB" = none ] ||
		echo "#   not the same work: heartbeat reads the utilization back from the CIB on every monitor;" \
			"ours compares with what it last wrote (cache in HA_RSCTMP) and does not re-read the CIB"
	printf '%s' "${NOTES[$m]:-}"
}

# sanity check of the CPU accounting: a child that burns some CPU, measured
# by the loop and by GNU time
# shellcheck disable=SC2016
printf '#!/bin/sh\ni=0; while [ $i -lt 200000 ]; do i=$((i+1)); done\n' >"$STATE/burn.sh"
chmod +x "$STATE/burn.sh"
cal=$(env -i PATH="$PATH" bash -c "$LOOP" loop "$STATE/burn.sh" 1 "$STATE/times.burn" run:0 | awk '{print $4/1000}')
cal_ref=$(env -i PATH="$PATH" /usr/bin/time -f '%U %S' "$STATE/burn.sh" 2>&1 >/dev/null | awk '{print ($1+$2)*1000}')

agents=(hb)
[ "$AGENT_LB" = none ] || agents+=(lb)
modes=()

if [ "$MODE" = cluster ]; then
	# ours appears in the node as ocf:lifeboat (the harness overlays its directory)
	lbdir=$STATE/no-agents
	mkdir -p "$lbdir"
	[ "$AGENT_LB" = none ] || lbdir=$(dirname "$(readlink -f "$AGENT_LB")")
	CLUSTER_UP=1
	"$CLUSTER" up --nodes 1 --libvirtd --no-stonith --agents "$lbdir" >"$STATE/up.log" 2>&1 ||
		{ cat "$STATE/up.log" >&2; setup_failed "cluster up (instance $LBT_INSTANCE)"; }
	URI_OF[cl]=$NODE_URI
	PATH_HB[cl]=$AGENT_HB
	PATH_LB[cl]=/usr/lib/ocf/resource.d/lifeboat/$(basename "$AGENT_LB")
	DPID_OF[cl]=$("$LIBDIR/libvirtd.sh" pid "$LBT_STATE_DIR/nodes/$NODE/libvirt" 1) ||
		setup_failed "no libvirtd in $NODE"
	ino=$(cat "$LBT_STATE_DIR/nodes/$NODE/netns.ino")
	CPID_OF[cl]=""
	for p in $(pgrep -x pacemaker-based || true); do
		[ "$(stat -L -c %i "/proc/$p/ns/net" 2>/dev/null)" != "$ino" ] || CPID_OF[cl]=$p
	done
	[ -n "${CPID_OF[cl]}" ] || setup_failed "no pacemaker-based in $NODE"
	# the primitive whose utilization the agents write; maintenance: Pacemaker
	# neither monitors, starts nor stops it, so only the bench runs the agents
	node pcs resource create "$RSC" ocf:heartbeat:VirtualDomain config="$CFG" \
		hypervisor="$NODE_URI" force_stop=true meta maintenance=true >"$STATE/pcs.log" 2>&1 ||
		{ cat "$STATE/pcs.log" >&2; setup_failed "pcs resource create $RSC"; }
	cib_settle
	modes+=(cl)
fi
URI_OF[sa]=$("$LIBDIR/libvirtd.sh" start "$STATE" "$IDX") || setup_failed "standalone libvirtd"
URI_OF[sd]=${URI_OF[sa]}
DPID_OF[sa]=$("$LIBDIR/libvirtd.sh" pid "$STATE" "$IDX")
DPID_OF[sd]=${DPID_OF[sa]}
for m in sa sd; do PATH_HB[$m]=$AGENT_HB PATH_LB[$m]=$AGENT_LB; done
modes+=(sa)
[ "$MODE" = cluster ] || modes+=(sd)

echo "# VirtualDomain benchmark ($MODE mode): $MONITORS monitors, $CYCLES start/stop cycles per agent and table"
if [ "$MODE" = cluster ]; then
	echo "# cluster: $CLUSTER --instance $LBT_INSTANCE, 1 node, $(node pacemakerd --version | sed -n 1p);" \
		"libvirtd $NODE_URI in $NODE (pid ${DPID_OF[cl]}), pacemaker-based pid ${CPID_OF[cl]}"
fi
echo "# standalone: libvirtd ${URI_OF[sa]} (pid ${DPID_OF[sa]}); guest: ${GUEST_MEM} MiB diskless TCG, $(nproc) CPUs"
echo "# heartbeat: $AGENT_HB"
echo "# lifeboat:  $AGENT_LB"
echo "# CPU accounting check: a shell loop measured ${cal} ms here, ${cal_ref} ms by GNU time"

for m in "${modes[@]}"; do measure "$m"; done
for m in "${modes[@]}"; do report "$m"; done

echo
if [ "$AGENT_LB" = none ]; then
	echo "target: monitor CPU hb/lb >= ${TARGET}x: not measured (no lifeboat agent)"
else
	if [ "$MODE" = cluster ]; then
		awk -v h="${MON_H[cl]}" -v l="${MON_L[cl]}" -v t="$TARGET" 'BEGIN{
			r = (l > 0) ? h / l : 1e9
			printf "target: monitor CPU hb/lb >= %dx in cluster mode (the deployment case): %s (%.1fx)\n",
				t, (r >= t) ? "MET" : "NOT MET", r }'
	else
		echo "target: monitor CPU hb/lb >= ${TARGET}x in cluster mode: not evaluated (--standalone)"
	fi
	for m in "${modes[@]}"; do
		[ "$m" != cl ] || continue
		echo "        ${SHORT[$m]}: monitor CPU hb/lb $(ratio "${MON_H[$m]}" "${MON_L[$m]}")"
	done
fi
[ "$bad_total" = 0 ] || echo "WARNING: $bad_total calls returned an unexpected rc; their times are not comparable"
