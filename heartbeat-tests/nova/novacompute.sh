#!/bin/bash
# shellcheck disable=SC2317 # test helpers are called through "check"
# novacompute.sh - ocf:lifeboat:NovaCompute and nova-compute-wait against a
# real Nova (heartbeat-tests/nova/nova: Keystone, Placement, Glance, Nova with
# the fake driver) and a real attrd (a single-node Pacemaker, node "compute1").
#
# Everything runs inside private network, mount, UTS, IPC and PID namespaces
# (heartbeat-tests/lib/pcmk1.sh): the cloud listens on that namespace's
# loopback, so it collides with nobody's, and whatever is left when the
# script ends dies with the PID namespace. The agent is run directly (as
# Pacemaker would: OCF environment, one action per process) with the node's
# real attrd and controller; at the end Pacemaker itself runs it once.
#
# Covered: validate-all; probe; start (nova-compute started by the agent, up
# in Nova); monitor; no password in nova-compute's argv, environment or logs;
# forced down while running -> monitor error; a server on compute1;
# nova-compute killed -> monitor "not running"; fence_compute off (forced
# down, disabled, evacuate=yes); the server evacuated to compute2; start
# waiting for evacuate=yes until its timeout (error with a reason); start
# waiting, evacuate=no -> it proceeds, re-enables the service and clears
# forced_down once the restarted nova-compute has cleaned up (Nova refuses
# before); stop; wait mode (unfences, leaves the init system's nova-compute
# alone); bad credentials, unreachable Keystone, unknown host; valgrind on
# monitor and start against the real services; Pacemaker running the agent.
#
# Usage (root): heartbeat-tests/nova/novacompute.sh
#   LB_AGENT_DIR   agents (default $top_builddir/agents, else build/agents)
#   LB_FENCE_AGENT fence_compute (default next to the agents: ../fence/fence_compute)
#   LB_KEEP=1      keep the work directory (logs)
#   LBT_NOVA_STATE cloud state dir (default /tmp/lbt-nova-novacompute; a fixed
#                  path lets later runs start from the harness's DB snapshot)
# Output: TAP "ok N - ...", "# ..." notes, last line "N passed, N failed";
# exit status 0 only if nothing failed.
set -u
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

here=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
top=$(cd "$here/../.." && pwd)
# shellcheck source=heartbeat-tests/lib/pcmk1.sh
. "$here/../lib/pcmk1.sh"

# ---------------------------------------------------------------- outside
if [ "${1:-}" != --inside ]; then
	pcmk1_check_tools attrd_updater crm_resource curl jq || exit 77
	agents=${LB_AGENT_DIR:-${top_builddir:-$top/build}/agents}
	agents=$(readlink -f "$agents")
	for a in NovaCompute nova-compute-wait; do
		if [ ! -x "$agents/$a" ]; then
			echo "Bail out! $agents/$a not built"
			exit 99
		fi
	done
	fence=${LB_FENCE_AGENT:-$(dirname "$agents")/fence/fence_compute}
	[ -x "$fence" ] || fence=""
	state=${LBT_NOVA_STATE:-/tmp/lbt-nova-novacompute}
	# one run per state dir at a time
	exec 8>"$state.lock"
	if ! flock -n 8; then
		echo "Bail out! another run uses $state"
		exit 99
	fi
	pcmk1_reexec "$0" "$agents" "$state" "${fence:-none}"
fi

# ---------------------------------------------------------------- inside (PID 1 of its namespaces)
work=$2
agents=$3
export LBT_NOVA_STATE=$4
fence=$5
[ "$fence" = none ] && fence=""
node=compute1
NOVA=$here/nova
STATE=$LBT_NOVA_STATE
num=0 pass=0 fail=0

note() { printf '# %s\n' "$*"; }
# shellcheck source=heartbeat-tests/lib/tap.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/tap.sh"
skip() {
	num=$((num + 1)) pass=$((pass + 1))
	echo "ok $num - $1 # SKIP $2"
}
eventually() { # eventually SECONDS COMMAND...
	local end=$((SECONDS + $1))
	shift
	while ! "$@" >/dev/null 2>&1; do
		[ "$SECONDS" -ge "$end" ] && return 1
		sleep 1
	done
}

finish() {
	trap - EXIT TERM INT
	if [ -n "${nova_pid:-}" ]; then
		kill "$nova_pid" 2>/dev/null
		wait "$nova_pid" 2>/dev/null
	fi
	note "stopping the cloud and the node"
	"$NOVA" down >"$work/nova-down.log" 2>&1 || note "nova down failed (see $work/nova-down.log)"
	pcmk1_stop
	echo "1..$num"
	echo "$pass passed, $fail failed"
	[ "$fail" = 0 ] && [ "$num" -gt 0 ]
	exit $?
}
trap finish EXIT TERM INT
bail() {
	num=$((num + 1)) fail=$((fail + 1))
	echo "not ok $num - $*"
	echo "Bail out! $*"
	finish
}

# ---------------------------------------------------------------- bring-up
# The cloud is the long pole: start it first, the cluster node meanwhile.
note "bringing up Nova in $STATE and Pacemaker node $node (work dir $work)"
t0=$SECONDS
"$NOVA" up --computes 0 >"$work/nova-up.log" 2>&1 &
nova_pid=$!
if ! pcmk1_setup "$work" "$node" || ! pcmk1_start 120; then
	bail "Pacemaker node $node online"
fi
note "$node online after $((SECONDS - t0)) s"
if ! wait "$nova_pid"; then
	nova_pid=
	tail -n 15 "$work/nova-up.log" | sed 's/^/#   /'
	bail "nova up (log: $work/nova-up.log)"
fi
nova_pid=
note "Nova up after $((SECONDS - t0)) s"
# compute2, the evacuation target, is the harness's own (the "init system")
"$NOVA" compute start 2 >"$work/compute2.log" 2>&1 || bail "compute2 start"

# shellcheck source=/dev/null
. "$STATE/config" # P_KEYSTONE, P_NOVA, ...
password=$(cat "$STATE/etc/admin-password")
conf=$("$NOVA" compute conf 1)
auth_url=http://127.0.0.1:$P_KEYSTONE/v3
nova_url=http://127.0.0.1:$P_NOVA/v2.1
mkdir -p "$work/rsctmp"
ntlog=$work/nova-compute1.out

# ---------------------------------------------------------------- helpers
osctl() { /usr/bin/python3 "$here/osctl.py" "$@"; }
api() { # api METHOD PATH [JSON]: Nova at microversion 2.74, reply on stdout
	local tok=$work/token
	[ -s "$tok" ] || osctl token "$tok" || return 1
	curl -sS -m 30 -X "$1" -H @"$tok" -H 'OpenStack-API-Version: compute 2.74' \
		-H 'Content-Type: application/json' ${3:+--data "$3"} "$nova_url$2"
}
svc() { # svc FIELD: FIELD of compute1's nova-compute service (state, status, forced_down, id)
	api GET "/os-services?binary=nova-compute&host=$node" | jq -r ".services[0].$1"
}
svc_is() { # svc_is STATE STATUS FORCED (each may be a pattern, e.g. "*")
	local got
	got=$(api GET "/os-services?binary=nova-compute&host=$node" |
		jq -r '.services[0] | "\(.state) \(.status) \(.forced_down)"')
	# shellcheck disable=SC2053 # a pattern on purpose
	[[ $got == $1\ $2\ $3 ]] && return 0
	note "compute1 service: '$got', expected '$*'"
	return 1
}
migration_is() { # migration_is STATUS: vm1's evacuation has it
	api GET "/os-migrations?migration_type=evacuation&instance_uuid=$vm" |
		jq -e --arg s "$1" '.migrations[0].status == $s' >/dev/null
}
not() { ! "$@"; }
attr() { attrd_updater -Q -n evacuate -N "$node" 2>/dev/null | sed -n 's/.*value="\([^"]*\)".*/\1/p'; }

# The agent's environment, as the executor gives it (OCF_RESKEY_CRM_meta_on_node
# is left out on purpose: the node name then comes from the controller).
ra_env=(PATH="$PATH" OCF_ROOT=/usr/lib/ocf OCF_RESOURCE_INSTANCE=nova-compute
	HA_RSCTMP="$work/rsctmp" HA_LOGFACILITY=none HA_LOGFILE="$work/agent.log"
	HA_DEBUGLOG="$work/agent-debug.log" HA_debug=1
	LBT_NOVA_TAG="$STATE" LBT_NOVA_STATE="$STATE"
	OCF_RESKEY_auth_url="$auth_url" OCF_RESKEY_username=admin
	OCF_RESKEY_password="$password" OCF_RESKEY_tenant_name=admin
	OCF_RESKEY_config="$conf" OCF_RESKEY_binary="$STATE/bin/nova-compute"
	OCF_RESKEY_user=root OCF_RESKEY_log="$ntlog" OCF_RESKEY_evacuation_delay=60)
# an --enable-sanitizers build: its settings reach the agent (env -i drops them otherwise)
for v in ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS; do
	[ -n "${!v:-}" ] && ra_env+=("$v=${!v}")
done
# a recurring monitor, with room for a slow nova-api (2 cores shared with others)
mon=(OCF_RESKEY_CRM_meta_interval=10000 OCF_RESKEY_CRM_meta_timeout=60000)
rc=0 t_start=0 t_stop=0
ra() { # ra AGENT ACTION [VAR=VALUE...]: rc, output in $work/ra.out and ra.err
	local agent=$1 action=$2
	shift 2
	env -i "${ra_env[@]}" "$@" timeout -k 5 700 "$agents/$agent" "$action" \
		>"$work/ra.out" 2>"$work/ra.err" </dev/null
	rc=$?
	cat "$work/ra.err" >>"$work/ra-all.err"
}
reason() { sed -n 's/^ocf-exit-reason://p' "$work/ra.err" | head -n 1; }
is() { # is AGENT ACTION WANT [WORD] [VAR=VALUE...]: exit code WANT, reason containing WORD
	local agent=$1 action=$2 want=$3 word=${4:-}
	shift 3
	[ $# -gt 0 ] && shift
	ra "$agent" "$action" "$@"
	if [ "$rc" != "$want" ]; then
		note "$agent $action: exit $rc, expected $want; reason: $(reason)"
		return 1
	fi
	if [ -n "$word" ] && ! reason | grep -qF -- "$word"; then
		note "$agent $action: reason '$(reason)' does not mention '$word'"
		return 1
	fi
	[ "$want" = 0 ] || [ "$want" = 7 ] || note "reason: $(reason)"
	return 0
}
nc_pid() { sed -n 1p "$work/rsctmp/NovaCompute-nova-compute.pid" 2>/dev/null; }
alive() { [ -n "$1" ] && [ -e "/proc/$1" ] && ! grep -q '^State:.*Z' "/proc/$1/status"; }
secret_in() { # secret_in FILE...: the password appears in one of them
	grep -qaF -- "$password" "$@" 2>/dev/null
}
timed() { # timed VAR COMMAND...: run, store the seconds taken in VAR
	local var=$1 s=$SECONDS r
	shift
	"$@"
	r=$?
	printf -v "$var" '%s' $((SECONDS - s))
	return "$r"
}

# ---------------------------------------------------------------- NovaCompute
dtd_valid() { # dtd_valid AGENT
	"$agents/$1" meta-data >"$work/$1.xml" &&
		xmllint --noout --dtdvalid /usr/share/resource-agents/ra-api-1.dtd "$work/$1.xml" \
			>"$work/xmllint.out" 2>&1 && return 0
	sed 's/^/# /' "$work/xmllint.out"
	return 1
}
check "meta-data of both names validates against ra-api-1.dtd" \
	eval 'dtd_valid NovaCompute && dtd_valid nova-compute-wait'
check "validate-all with the real configuration" is NovaCompute validate-all 0
check "probe: not running" is NovaCompute monitor 7
check "start: nova-compute started by the agent, up in Nova" timed t_start is NovaCompute start 0
note "start took $t_start s"
pid=$(nc_pid)
running_and_up() { alive "$pid" && svc_is up enabled false; }
check "nova-compute (PID $pid) runs, compute1 up, enabled, not forced down" running_and_up
check "monitor: running" is NovaCompute monitor 0 "" "${mon[@]}"
start_again() { is NovaCompute start 0 && [ "$(nc_pid)" = "$pid" ]; }
check "start again: already running, same PID" start_again
clean_child() {
	! grep -qaF -- "$password" "/proc/$pid/cmdline" "/proc/$pid/environ" &&
		! tr '\0' '\n' <"/proc/$pid/environ" | grep -q '^OCF_'
}
check "nova-compute's argv and environment hold no password, no OCF_ variable" clean_child
check "nova-compute runs with the given config file" grep -qaF -- "$conf" "/proc/$pid/cmdline"

# Forced down while running: Nova reports it down, monitor says so.
id=$(svc id)
api PUT "/os-services/$id" '{"forced_down": true}' >/dev/null
check "monitor: running but forced down in Nova -> error with reason" \
	is NovaCompute monitor 1 "forced down" "${mon[@]}"
api PUT "/os-services/$id" '{"forced_down": false}' >/dev/null
check "monitor: up again once forced_down is cleared" eventually 30 \
	is NovaCompute monitor 0 "" "${mon[@]}"

# A server on compute1, to be evacuated later.
if osctl wait-hypervisors 120 compute1 compute2 >"$work/hyp.log" 2>&1 &&
	timeout 180 "$NOVA" openstack --os-compute-api-version 2.74 server create --flavor lbt.tiny \
		--image lbt-raw --nic none --host compute1 --wait -f value -c id vm1 \
		>"$work/vm1.id" 2>"$work/vm1.err"; then
	vm=$(tr -d '[:space:]' <"$work/vm1.id")
	check "a server (vm1) ACTIVE on compute1" true
else
	vm=""
	check "a server (vm1) ACTIVE on compute1" sh -c "cat '$work/hyp.log' '$work/vm1.err' | sed 's/^/# /'; false"
fi

# nova-compute dies: the monitor sees it.
kill -KILL "$pid"
check "nova-compute killed: recurring monitor says not running" eventually 10 \
	is NovaCompute monitor 7 "" OCF_RESKEY_CRM_meta_interval=10000

# The cluster fences the node: forced down, disabled, evacuate=yes.
if [ -n "$fence" ]; then
	printf 'action=off\nplug=%s\nauth_url=%s\nusername=admin\npassword=%s\ntenant_name=admin\n' \
		"$node" "$auth_url" "$password" | "$fence" >"$work/fence.log" 2>&1
	check "fence_compute off: exit 0" test $? = 0
else
	note "no fence_compute: forcing down, disabling and marking by hand"
	api PUT "/os-services/$id" '{"forced_down": true, "status": "disabled", "disabled_reason": "test"}' >/dev/null
	attrd_updater -U yes -n evacuate -N "$node"
fi
fenced() { svc_is down disabled true && [ "$(attr)" = yes ]; }
check "compute1 forced down and disabled, evacuate=yes" fenced

# NovaEvacuate's job, done by hand: one evacuate, the server ACTIVE on compute2.
if [ -n "$vm" ]; then
	api POST "/servers/$vm/action" '{"evacuate": {}}' >"$work/evacuate.out"
	evacuated() {
		api GET "/servers/$vm" | jq -e '.server.status == "ACTIVE" and
			.server["OS-EXT-SRV-ATTR:host"] == "compute2" and
			.server["OS-EXT-STS:task_state"] == null' >/dev/null &&
			migration_is "done"
	}
	check "vm1 evacuated: ACTIVE on compute2, migration done" eventually 90 evacuated
else
	skip "vm1 evacuated: ACTIVE on compute2, migration done" "no server"
fi

# Start while evacuations are pending: it waits, and gives up at its timeout.
check "start with evacuate=yes: waits, then fails at its timeout (15 s) with a reason" \
	is NovaCompute start 1 "still pending" OCF_RESKEY_CRM_meta_timeout=15000
check "... and started nothing" not alive "$(nc_pid)"

# Start while evacuations are pending; NovaEvacuate then says they are done.
: >"$work/start-bg.err"
(
	env -i "${ra_env[@]}" OCF_RESKEY_CRM_meta_timeout=300000 timeout -k 5 320 \
		"$agents/NovaCompute" start >"$work/start-bg.out" 2>"$work/start-bg.err" </dev/null
	echo $? >"$work/start-bg.rc"
) &
bg=$!
sleep 8
check "start with evacuate=yes still waiting after 8 s" \
	test -e "/proc/$bg" -a ! -e "$work/start-bg.rc"
attrd_updater -U no -n evacuate -N "$node"
t1=$SECONDS
wait "$bg"
note "start returned $((SECONDS - t1)) s after evacuate=no $(grep ocf-exit-reason "$work/start-bg.err")"
check "evacuate=no: start proceeds and succeeds" test "$(cat "$work/start-bg.rc")" = 0
check "compute1 re-enabled, forced_down cleared, up" svc_is up enabled false
if grep -q 'clearing it once Nova accepts' "$work/agent.log"; then
	note "Nova refused to clear forced_down before nova-compute's restart, as expected"
fi
if [ -n "$vm" ]; then
	check "vm1's evacuation cleaned up by the restarted nova-compute (completed)" \
		migration_is completed
fi
check "node attribute evacuate removed after the recovery" test -z "$(attr)"
check "monitor: running" is NovaCompute monitor 0 "" "${mon[@]}"
pid=$(nc_pid)

# valgrind, against the real Keystone, Nova and controller.
if ldd "$agents/NovaCompute" | grep -q libasan; then
	skip "valgrind: monitor and start (running) are clean" "ASan build"
elif command -v valgrind >/dev/null; then
	vg=(valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite
		--suppressions="$top/heartbeat-tests/unit/pacemaker.supp")
	env -i "${ra_env[@]}" "${mon[@]}" "${vg[@]}" \
		"$agents/NovaCompute" monitor >"$work/vg-monitor.log" 2>&1
	r1=$?
	env -i "${ra_env[@]}" "${vg[@]}" "$agents/NovaCompute" start >"$work/vg-start.log" 2>&1
	r2=$?
	check "valgrind: monitor and start (running) are clean and succeed (exit $r1, $r2)" \
		test "$r1" = 0 -a "$r2" = 0
	[ "$r1" = 99 ] && sed 's/^/# /' "$work/vg-monitor.log"
	[ "$r2" = 99 ] && sed 's/^/# /' "$work/vg-start.log"
fi

# Stop.
check "stop: clean" timed t_stop is NovaCompute stop 0
note "stop took $t_stop s"
stopped() { ! alive "$pid" && ! [ -e "$work/rsctmp/NovaCompute-nova-compute.pid" ]; }
check "nova-compute gone, PID file removed" stopped
check "stop again: success" is NovaCompute stop 0
check "monitor after stop: not running" is NovaCompute monitor 7

# Passwords: nowhere in the logs.
check "the password is in neither the agent's logs nor nova-compute's output" \
	not secret_in "$work/agent.log" "$work/agent-debug.log" "$ntlog" "$work/ra.err" "$work/ra.out"

# ---------------------------------------------------------------- nova-compute-wait
# Fenced again (no server this time), evacuations done.
api PUT "/os-services/$id" '{"forced_down": true, "status": "disabled", "disabled_reason": "test"}' >/dev/null
attrd_updater -U no -n evacuate -N "$node"
wait_unfences() {
	is nova-compute-wait start 0 && svc_is "*" enabled false &&
		! [ -e "$work/rsctmp/NovaCompute-nova-compute.pid" ]
}
check "wait mode: start unfences (enabled, not forced down), starts no nova-compute" wait_unfences
check "wait mode: monitor running" is nova-compute-wait monitor 0
check "wait mode: stop" is nova-compute-wait stop 0
check "wait mode: monitor after stop: not running" is nova-compute-wait monitor 7
# The init system's nova-compute: the harness starts it.
"$NOVA" compute start 1 --wait 120 >"$work/compute1-init.log" 2>&1
initpid=$(awk '{ print $1 }' "$STATE/pid/compute1.pid" 2>/dev/null)
check "init system's nova-compute (PID $initpid) up" svc_is up enabled false
leaves_it_alone() {
	is nova-compute-wait start 0 && is nova-compute-wait monitor 0 &&
		is nova-compute-wait stop 0 && alive "$initpid"
}
check "wait mode: start and stop leave it alone" leaves_it_alone
check "NovaCompute probe: the init system's nova-compute is not its own" is NovaCompute monitor 7

# Wait mode after an evacuation: Nova refuses to clear forced_down until the
# init system's nova-compute has cleaned up, so the monitor finishes the job.
if timeout 180 "$NOVA" openstack --os-compute-api-version 2.74 server create --flavor lbt.tiny \
	--image lbt-raw --nic none --host compute1 --wait -f value -c id vm2 \
	>"$work/vm2.id" 2>"$work/vm2.err"; then
	vm=$(tr -d '[:space:]' <"$work/vm2.id")
	"$NOVA" compute kill 1 >/dev/null 2>&1
	printf 'action=off\nplug=%s\nauth_url=%s\nusername=admin\npassword=%s\ntenant_name=admin\n' \
		"$node" "$auth_url" "$password" | "${fence:-false}" >>"$work/fence.log" 2>&1 ||
		{
			api PUT "/os-services/$id" '{"forced_down": true, "status": "disabled", "disabled_reason": "test"}' >/dev/null
			attrd_updater -U yes -n evacuate -N "$node"
		}
	api POST "/servers/$vm/action" '{"evacuate": {}}' >"$work/evacuate2.out"
	check "vm2 evacuated to compute2" eventually 90 evacuated
	attrd_updater -U no -n evacuate -N "$node"
	pending() { grep -q '^unfence-pending' "$work/rsctmp/nova-compute.active"; }
	check "wait mode: start enables; Nova refuses forced_down for now; noted as pending" \
		eval 'is nova-compute-wait start 0 && svc_is down enabled true && pending'
	check "wait mode: monitor running while unfencing is pending" \
		eval 'is nova-compute-wait monitor 0 && pending'
	"$NOVA" compute start 1 >"$work/compute1-init2.log" 2>&1
	cleared() { is nova-compute-wait monitor 0 && ! pending && svc_is "*" enabled false; }
	check "init system restarts nova-compute: the monitor clears forced_down" eventually 120 cleared
	check "compute1 up again, vm2's evacuation completed" \
		eval 'eventually 60 svc_is up enabled false && migration_is completed'
	is nova-compute-wait stop 0
else
	skip "wait mode after an evacuation" "no server: $(head -c 200 "$work/vm2.err")"
fi
"$NOVA" compute stop 1 >/dev/null 2>&1

# ---------------------------------------------------------------- bad input, real services
check "start with a wrong password: not configured, with Keystone's message" \
	is NovaCompute start 6 "HTTP 401" OCF_RESKEY_password=wrong-password
check "wait mode, start with a wrong password: not configured" \
	is nova-compute-wait start 6 "HTTP 401" OCF_RESKEY_password=wrong-password
check "start with an unknown user: not configured" \
	is NovaCompute start 6 "HTTP 401" OCF_RESKEY_username=lb-no-such-user
check "start with Keystone unreachable: error with reason" \
	is NovaCompute start 1 "cannot reach Keystone" OCF_RESKEY_auth_url=http://127.0.0.1:9/v3
check "start with an unknown project: not configured" \
	is NovaCompute start 6 "Keystone" OCF_RESKEY_tenant_name=lb-no-such-project
printf '[DEFAULT]\nhost = lbt-unknown-host\n' >"$work/unknown-host.conf"
check "start with a Nova host that is not this node: not configured" \
	is NovaCompute start 6 lbt-unknown-host OCF_RESKEY_config="$conf $work/unknown-host.conf"
check "start without a password: not configured" is NovaCompute start 6 password OCF_RESKEY_password=
check "nothing was started by the failed starts" test ! -e "$work/rsctmp/NovaCompute-nova-compute.pid"
check "the wrong passwords are in no log either" \
	not grep -qaF wrong-password "$work/agent.log" "$work/agent-debug.log" "$ntlog"

# ---------------------------------------------------------------- Pacemaker runs it
mount --bind "$agents" /usr/lib/ocf/resource.d/lifeboat 2>/dev/null ||
	{ mkdir -p /usr/lib/ocf/resource.d/lifeboat && mount --bind "$agents" /usr/lib/ocf/resource.d/lifeboat; }
cat >"$work/rsc.xml" <<EOF
<primitive id="nova-compute" class="ocf" provider="lifeboat" type="NovaCompute">
  <instance_attributes id="nova-compute-ia">
    <nvpair id="nc-auth_url" name="auth_url" value="$auth_url"/>
    <nvpair id="nc-username" name="username" value="admin"/>
    <nvpair id="nc-password" name="password" value="$password"/>
    <nvpair id="nc-tenant_name" name="tenant_name" value="admin"/>
    <nvpair id="nc-config" name="config" value="$conf"/>
    <nvpair id="nc-binary" name="binary" value="$STATE/bin/nova-compute"/>
    <nvpair id="nc-user" name="user" value="root"/>
    <nvpair id="nc-log" name="log" value="$work/nova-compute1-pcmk.out"/>
  </instance_attributes>
  <operations>
    <op id="nc-start" name="start" interval="0" timeout="300s"/>
    <op id="nc-monitor" name="monitor" interval="10s" timeout="20s"/>
  </operations>
</primitive>
EOF
cibadmin -C -o resources -x "$work/rsc.xml"
pcmk_started() {
	crm_resource --locate -r nova-compute 2>/dev/null | grep -q "running on: $node" &&
		svc_is up enabled false
}
pcmk_stopped() { crm_resource --locate -r nova-compute 2>&1 | grep -q 'NOT running'; }
no_failures() { ! crm_mon -1 --output-as=xml | grep -q '<failure '; }
check "Pacemaker starts ocf:lifeboat:NovaCompute; compute1 up in Nova" eventually 180 pcmk_started
crm_resource --resource nova-compute --set-parameter target-role --meta --parameter-value Stopped >/dev/null 2>&1
check "Pacemaker stops it" eventually 120 pcmk_stopped
check "no failed action in the cluster" no_failures

sanitizer_report() { grep -E 'Sanitizer|runtime error:' "$work/ra-all.err" "$work/start-bg.err"; }
check "no sanitizer report from any agent run" not sanitizer_report

exit 0 # finish runs on EXIT
