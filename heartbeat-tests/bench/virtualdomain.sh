#!/bin/bash
# Benchmark (not a test): cost of ocf:lifeboat:VirtualDomain against
# ocf:heartbeat:VirtualDomain on one real libvirtd + 64 MiB TCG guest.
#
#   heartbeat-tests/bench/virtualdomain.sh [MONITORS [CYCLES]]     (default 50 3)
#
#   AGENT_LB     ours      (default: build/agents/VirtualDomain; "none" to skip)
#   AGENT_HB     the peer  (default: /usr/lib/ocf/resource.d/heartbeat/VirtualDomain)
#   BENCH_INDEX  libvirtd instance used (default 4 -> qemu+tcp://127.0.0.5/system)
#
# Each agent gets MONITORS recurring monitors of the same running guest, then
# CYCLES start + stop (force_stop=true, so stop is a destroy, not a wait for a
# guest that ignores ACPI). Every call runs as pacemaker-execd would run it
# (clean environment, OCF variables), from one bash loop per batch.
# Per call: wall time (bash $EPOCHREALTIME around the call) and CPU time =
# user+sys of the agent process and every process it waited for
# (getrusage(RUSAGE_CHILDREN) deltas from bash's `times`, 1 ms resolution per
# call, exact in sum). For monitors, libvirtd's own CPU (/proc/PID/stat) is
# shown too: work the agent makes the daemon do.
# Target: ours needs at least 20x less CPU per monitor.
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
LIBDIR=$top/heartbeat-tests/lib
AGENT_HB=${AGENT_HB:-/usr/lib/ocf/resource.d/heartbeat/VirtualDomain}
AGENT_LB=${AGENT_LB:-$top/build/agents/VirtualDomain}
MONITORS=${1:-${BENCH_MONITORS:-50}}
CYCLES=${2:-${BENCH_CYCLES:-3}}
IDX=${BENCH_INDEX:-4}
TARGET=20

[ "$(id -u)" = 0 ] || { echo "virtualdomain.sh: run as root" >&2; exit 2; }
[ -x "$AGENT_HB" ] || { echo "virtualdomain.sh: $AGENT_HB missing" >&2; exit 2; }
if [ "$AGENT_LB" != none ] && [ ! -x "$AGENT_LB" ]; then
	echo "# ours not found at $AGENT_LB (build it, or set AGENT_LB): measuring the peer only" >&2
	AGENT_LB=none
fi

STATE=$(mktemp -d /tmp/lifeboat-bench-vd.XXXXXX)
mkdir -p "$STATE/rsctmp"
cleanup() {
	trap - EXIT INT TERM
	"$LIBDIR/libvirtd.sh" stopall "$STATE" || true
	rm -rf "$STATE"
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT
trap 'cleanup; exit 143' TERM

URI=$("$LIBDIR/libvirtd.sh" start "$STATE" "$IDX")
DPID=$("$LIBDIR/libvirtd.sh" pid "$STATE" "$IDX")
DOM=lbbench
CFG=$STATE/$DOM.xml
"$LIBDIR/guest.sh" "$DOM" >"$CFG"
TICK=$(getconf CLK_TCK)

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

run_batch() { # AGENT ROUNDS OP:WANT... -> raw lines on stdout
	local agent=$1
	shift
	env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		HA_RSCTMP="$STATE/rsctmp" \
		OCF_ROOT=/usr/lib/ocf OCF_RA_VERSION_MAJOR=1 OCF_RA_VERSION_MINOR=1 \
		OCF_RESOURCE_INSTANCE=vd-bench OCF_RESOURCE_TYPE=VirtualDomain \
		OCF_RESKEY_crm_feature_set=3.16.2 \
		OCF_RESKEY_config="$CFG" OCF_RESKEY_hypervisor="$URI" \
		OCF_RESKEY_force_stop=true \
		OCF_RESKEY_CRM_meta_interval=10000 OCF_RESKEY_CRM_meta_timeout=30000 \
		bash -c "$LOOP" loop "$agent" "$1" "$STATE/times.$$" "${@:2}"
}

daemon_cpu_us() { # libvirtd utime+stime
	awk -v t="$TICK" '{print ($14 + $15) * 1000000 / t}' "/proc/$DPID/stat"
}

# stats FILE OP -> "n bad wall_mean_ms wall_p50_ms cpu_mean_ms"
stats() {
	awk -v op="$2" '$1 == op {n++; if ($2 != $5) bad++; w += $3; c += $4; ws[n] = $3}
		END {
			if (!n) { print "0 0 - - -"; exit }
			asort(ws); p = ws[int((n + 1) / 2)]
			printf "%d %d %.1f %.1f %.2f\n", n, bad, w / n / 1000, p / 1000, c / n / 1000
		}' "$1"
}

# sanity check of the CPU accounting: a child that burns some CPU, measured
# by the loop and by GNU time
# shellcheck disable=SC2016
printf '#!/bin/sh\ni=0; while [ $i -lt 200000 ]; do i=$((i+1)); done\n' >"$STATE/burn.sh"
chmod +x "$STATE/burn.sh"
cal=$(env -i PATH="$PATH" bash -c "$LOOP" loop "$STATE/burn.sh" 1 "$STATE/times.burn" run:0 | awk '{print $4/1000}')
cal_ref=$(env -i PATH="$PATH" /usr/bin/time -f '%U %S' "$STATE/burn.sh" 2>&1 >/dev/null | awk '{print ($1+$2)*1000}')

echo "# VirtualDomain benchmark: $MONITORS monitors, $CYCLES start/stop cycles per agent"
echo "# libvirtd $URI (pid $DPID), guest: 64 MiB diskless TCG, $(nproc) CPUs"
echo "# heartbeat: $AGENT_HB"
echo "# lifeboat:  $AGENT_LB"
echo "# CPU accounting check: a shell loop measured ${cal} ms here, ${cal_ref} ms by GNU time"

virsh -q -c "$URI" create "$CFG" >/dev/null
agents=(hb)
[ "$AGENT_LB" = none ] || agents+=(lb)
declare -A path=([hb]=$AGENT_HB [lb]=$AGENT_LB)
declare -A dcpu
for a in "${agents[@]}"; do
	run_batch "${path[$a]}" 2 monitor:0 >/dev/null # warm-up
	d0=$(daemon_cpu_us)
	run_batch "${path[$a]}" "$MONITORS" monitor:0 >"$STATE/$a.raw"
	d1=$(daemon_cpu_us)
	dcpu[$a]=$(awk -v a="$d0" -v b="$d1" -v n="$MONITORS" 'BEGIN{printf "%.2f", (b - a) / n / 1000}')
done
virsh -q -c "$URI" destroy "$DOM" >/dev/null 2>&1 || true
for a in "${agents[@]}"; do
	run_batch "${path[$a]}" "$CYCLES" start:0 stop:0 >>"$STATE/$a.raw"
done

ratio() { awk -v h="$1" -v l="$2" 'BEGIN{ if (l == "-" || h == "-" || l + 0 <= 0) print "-"; else printf "%.1fx", h / l }'; }
printf '\n%-8s %-26s %12s %12s %8s\n' op metric heartbeat lifeboat hb/lb
bad_total=0
for op in monitor start stop; do
	read -r hn hbad hw hp hc <<<"$(stats "$STATE/hb.raw" $op)"
	if [ "$AGENT_LB" != none ]; then
		read -r ln lbad lw lp lc <<<"$(stats "$STATE/lb.raw" $op)"
	else
		ln=0 lbad=0 lw=- lp=- lc=-
	fi
	bad_total=$((bad_total + hbad + lbad))
	printf '%-8s %-26s %12s %12s %8s\n' "$op" "calls" "$hn" "$ln" ""
	printf '%-8s %-26s %12s %12s %8s\n' "$op" "wall ms/call (mean)" "$hw" "$lw" "$(ratio "$hw" "$lw")"
	printf '%-8s %-26s %12s %12s %8s\n' "$op" "wall ms/call (median)" "$hp" "$lp" "$(ratio "$hp" "$lp")"
	printf '%-8s %-26s %12s %12s %8s\n' "$op" "CPU ms/call (user+sys)" "$hc" "$lc" "$(ratio "$hc" "$lc")"
	if [ "$op" = monitor ]; then
		printf '%-8s %-26s %12s %12s %8s\n' "$op" "libvirtd CPU ms/call" "${dcpu[hb]}" "${dcpu[lb]:--}" \
			"$(ratio "${dcpu[hb]}" "${dcpu[lb]:--}")"
		mon_h=$hc mon_l=$lc
	fi
	[ "$hbad" = 0 ] || echo "#   heartbeat: $hbad $op calls returned an unexpected rc"
	[ "$lbad" = 0 ] || echo "#   lifeboat: $lbad $op calls returned an unexpected rc"
done
echo
if [ "$AGENT_LB" = none ]; then
	echo "target: monitor CPU hb/lb >= ${TARGET}x: not measured (no lifeboat agent)"
else
	awk -v h="$mon_h" -v l="$mon_l" -v t="$TARGET" 'BEGIN{
		r = (l > 0) ? h / l : 1e9
		printf "target: monitor CPU hb/lb >= %dx: %s (%.1fx)\n", t, (r >= t) ? "MET" : "NOT MET", r }'
fi
[ "$bad_total" = 0 ] || echo "WARNING: $bad_total calls returned an unexpected rc; their times are not comparable"
