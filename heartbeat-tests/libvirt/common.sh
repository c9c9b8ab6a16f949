# shellcheck shell=bash
# Helpers shared by the VirtualDomain integration tests (sourced by t*.sh).
#
# Environment given by run.sh:
#   AGENT     the OCF agent under test (default: the heartbeat one)
#   STATE     the suite's state dir (daemons live in $STATE/libvirtd-N)
#   LIBDIR    heartbeat-tests/lib
#   URI1 URI2 URI3, ADDR1 ADDR2 ADDR3, INST1 INST2 INST3
#             the three libvirtds: URI, address and libvirtd.sh instance index
#             (instance N listens on 127.0.0.N+1; by default INSTn = n)
#   WORK      scratch dir of this test

AGENT=${AGENT:-/usr/lib/ocf/resource.d/heartbeat/VirtualDomain}
: "${STATE:?run me through run.sh}" "${LIBDIR:?}" "${WORK:?}"
FAILS=0
# suffix for domain names: unique per run, so that process-table checks (the
# heartbeat agent greps ps for "guest=NAME") never see another run's guest
# shellcheck disable=SC2034 # used by the tests
RUN_ID=${STATE##*.}
AGENT_LOG=$WORK/agent.log

note() { echo "#   $*"; }
pass() { echo "#   ok: $*"; }
fail() {
	echo "#   FAIL: $*"
	FAILS=$((FAILS + 1))
}

# check DESC CMD...   pass if CMD succeeds
check() {
	local desc=$1
	shift
	if "$@"; then pass "$desc"; else fail "$desc"; fi
}

# assert_eq DESC GOT WANT
assert_eq() {
	if [ "$2" = "$3" ]; then pass "$1 ($2)"; else fail "$1: got '$2', want '$3'"; fi
}

# vsh URI ARGS...   virsh with a deadline, so a hung daemon cannot hang the test
vsh() {
	local uri=$1
	shift
	LANG=C timeout -k 2 30 virsh -q -c "$uri" "$@"
}

# independent view of the domain state: "running", "shut off", ..., or "absent"
domstate() {
	local out
	if out=$(vsh "$1" domstate "$2" 2>/dev/null); then
		echo "$out" | head -n1
	else
		echo absent
	fi
}

# a domstate result that means "not running"
is_stopped() { [ "$1" = absent ] || [ "$1" = "shut off" ]; }

domreason() { vsh "$1" domstate --reason "$2" 2>/dev/null | head -n1 || true; }

# QEMU PID of domain $2 on daemon $1 (1..3), from libvirt's pidfile (empty if none)
qemu_pid() {
	local inst="INST$1"
	local f=$STATE/libvirtd-${!inst}/run/qemu/$2.pid pid
	[ -s "$f" ] || return 0
	pid=$(tr -dc 0-9 <"$f")
	[ -n "$pid" ] && pid_alive "$pid" && echo "$pid"
	return 0
}

pid_alive() {
	local st
	st=$(awk '/^State:/{print $2; exit}' "/proc/$1/status" 2>/dev/null) || return 1
	[ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ]
}

wait_pid_gone() {
	local i
	for ((i = 0; i < ${2:-10} * 10; i++)); do
		pid_alive "$1" || return 0
		sleep 0.1
	done
	return 1
}

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# agent ACTION [VAR=VALUE ...]
# Runs $AGENT like pacemaker-execd would: a clean environment with the OCF
# variables, and the operation killed after OCF_RESKEY_CRM_meta_timeout.
# Defaults come from RSC, CFG, HV, TMO (ms), IV (interval ms).
# Sets RC (124 = killed at the timeout) and MS (wall time in ms).
agent() {
	local action=$1 t0 tmo=${TMO:-20000} v
	shift
	for v in "$@"; do
		case $v in OCF_RESKEY_CRM_meta_timeout=*) tmo=${v#*=} ;; esac
	done
	{
		echo "=== $(date +%T.%N | cut -c1-12) $action $*"
	} >>"$AGENT_LOG"
	t0=$(now_ms)
	RC=0
	env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		HA_RSCTMP="$STATE/rsctmp" \
		OCF_ROOT=/usr/lib/ocf OCF_RA_VERSION_MAJOR=1 OCF_RA_VERSION_MINOR=1 \
		OCF_RESOURCE_INSTANCE="${RSC:?}" OCF_RESOURCE_TYPE=VirtualDomain \
		OCF_RESKEY_crm_feature_set=3.16.2 \
		OCF_RESKEY_config="${CFG:?}" OCF_RESKEY_hypervisor="${HV:?}" \
		OCF_RESKEY_CRM_meta_name="$action" \
		OCF_RESKEY_CRM_meta_interval="${IV:-0}" \
		OCF_RESKEY_CRM_meta_timeout="$tmo" \
		"$@" \
		timeout -k 2 "$(((tmo + 999) / 1000))" "$AGENT" "$action" >>"$AGENT_LOG" 2>&1 </dev/null ||
		RC=$?
	[ $RC -eq 137 ] && RC=124
	MS=$(($(now_ms) - t0))
	echo "=== rc=$RC ${MS}ms" >>"$AGENT_LOG"
}

# expect_rc DESC WANT   (after agent)
expect_rc() {
	if [ "$RC" = "$2" ]; then
		pass "$1: rc=$RC (${MS} ms)"
	elif [ "$RC" = 124 ]; then
		fail "$1: timed out after ${MS} ms, want rc=$2"
	else
		fail "$1: rc=$RC, want $2 (${MS} ms)"
	fi
}

# write the test guest's XML to $CFG
make_guest() { "$LIBDIR/guest.sh" "$1" "${2:-64}" >"$CFG"; }

# remove domain $2 from URI $1 whatever its state (test cleanup, not under test)
scrub_domain() {
	vsh "$1" destroy "$2" >/dev/null 2>&1 || true
	vsh "$1" undefine "$2" >/dev/null 2>&1 || true
}

finish() {
	if [ "$FAILS" -ne 0 ]; then
		note "agent log tail ($AGENT_LOG):"
		tail -n 25 "$AGENT_LOG" 2>/dev/null | sed 's/^/#     /'
		exit 1
	fi
	exit 0
}
