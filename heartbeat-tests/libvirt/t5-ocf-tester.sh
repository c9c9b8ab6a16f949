#!/bin/bash
# resource-agents' ocf-tester with a real guest on instance 1.
#
# ocf-tester runs the agent with no time limit, but its last step calls
# migrate_from on a stopped resource, and the heartbeat agent's migrate_from
# waits (forever) for the domain to arrive. Pacemaker's executor always kills
# an operation at its timeout, so ocf-tester gets the agent through a small
# wrapper that does the same (OCF_RESKEY_CRM_meta_timeout, which ocf-tester
# sets to 20 s; a killed operation is reported as rc 1). ocf-tester does not
# judge migrate_from's result. force_stop=true keeps its three stops of a
# guest that ignores ACPI short (t1 and t2 cover the graceful path).
set -uo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=common.sh
. "$(dirname "$0")/common.sh"

DOM=lbt-tester-$RUN_ID
RSC=vd-tester
CFG=$WORK/$DOM.xml
HV=$URI1
ev_pid=
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
	[ -z "$ev_pid" ] || kill "$ev_pid" 2>/dev/null || true
	scrub_domain "$URI1" "$DOM"
}
trap cleanup EXIT
make_guest "$DOM"
scrub_domain "$URI1" "$DOM"
chmod 755 "$WORK" # ocf-tester runs meta-data as nobody
chmod 644 "$CFG"

wrap=$WORK/agent-with-timeout
cat >"$wrap" <<EOF
#!/bin/sh
# pacemaker-execd's timeout, around $AGENT
t=\${OCF_RESKEY_CRM_meta_timeout:-20000}
timeout -k 2 \$(( (t + 999) / 1000 )) '$AGENT' "\$@"
rc=\$?
case \$rc in
124|137) echo "execd-emulation: \$1 killed at its \${t} ms timeout" >&2; exit 1 ;;
esac
exit \$rc
EOF
chmod 755 "$wrap"

# all domains: this one does not exist yet
timeout 120 virsh -q -c "$URI1" event --event lifecycle --loop >"$WORK/events" 2>&1 &
ev_pid=$!
sleep 0.5

rc=0
HA_RSCTMP=$STATE/rsctmp ocf-tester -v -n "$RSC" -o config="$CFG" -o hypervisor="$URI1" \
	-o force_stop=true "$wrap" >"$WORK/ocf-tester.out" 2>&1 || rc=$?
grep -E '^\* |passed all tests|^Tests failed|^Aborting' "$WORK/ocf-tester.out" | sed 's/^/#     /'
assert_eq "ocf-tester exit code" "$rc" 0
check "ocf-tester says the agent passed all tests" grep -q "passed all tests" "$WORK/ocf-tester.out"

sleep 0.5
kill "$ev_pid" 2>/dev/null || true
wait "$ev_pid" 2>/dev/null || true
ev_pid=
starts=$(grep -c "domain '$DOM': Started Booted" "$WORK/events" || true)
stops=$(grep -c "domain '$DOM': Stopped Destroyed" "$WORK/events" || true)
note "libvirt lifecycle events: $starts starts, $stops stops"
check "a real guest was started at least twice" test "$starts" -ge 2
check "and stopped as often" test "$stops" -ge "$starts"
st=$(domstate "$URI1" "$DOM")
check "guest stopped at the end ($st)" is_stopped "$st"

[ "$FAILS" -eq 0 ] || sed 's/^/#     | /' "$WORK/ocf-tester.out" | tail -n 40
finish
