#!/bin/bash
# The README's test command: install dependencies, build, and run every test
# stage against real components. Prints one line per stage and ends with
# "N passed, N failed". Logs: build/test-logs/.
#
#   LB_STAGES="unit asan"  run only these stages (default: all)
#   LB_SERIAL=1            run the lanes one after the other (default: the
#                          real-component suites run in two lanes at once)
#
# The suites of the real components mostly wait (for a cluster to converge,
# a service to start, Nova to act), so two lanes of them share the machine:
# the cluster and control-plane suites, and the Nova suites (with libvirt and
# HAProxy, to even the lanes out). Every suite has
# its own namespaces, ports and state directories. Builds, sanitizers and
# benchmarks run alone.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
logs=$top/build/test-logs
results=$logs/results

# stage NAME CMD...: run one stage, log in $logs/NAME.log, result in $results
stage() {
	local name=$1
	shift
	if [ -n "${LB_STAGES:-}" ] && ! grep -qw "$name" <<<"$LB_STAGES"; then
		return 0
	fi
	local log=$logs/$name.log start=$SECONDS
	echo "=== stage $name: $*"
	if "$@" >"$log" 2>&1; then
		echo "pass $name" >>"$results"
		grep -E '^[0-9]+ passed, [0-9]+ failed|^# (PASS|FAIL|TOTAL)|^[0-9]+%: Checks|^#? ?target|[Rr]atio' "$log" | sed 's/^/    /'
		echo "ok - $name ($((SECONDS - start)) s)"
	else
		echo "fail $name" >>"$results"
		tail -n 40 "$log" | sed 's/^/    | /'
		echo "not ok - $name ($((SECONDS - start)) s, log: $log)"
	fi
}

# lanes FN...: run each function (stages in order) at the same time, then
# print each lane's output whole, one lane after the other
lanes() {
	local fn pids=() start=$SECONDS
	if [ "${LB_SERIAL:-0}" = 1 ]; then
		for fn; do "$fn"; done
		return
	fi
	echo "=== lanes at once: $*"
	for fn; do
		"$fn" >"$logs/lane-$fn.out" 2>&1 &
		pids+=($!)
	done
	wait "${pids[@]}"
	for fn; do cat "$logs/lane-$fn.out"; done
	echo "=== lanes done ($((SECONDS - start)) s)"
}

make_check() { make -C "$1" -j"$(nproc)" check || { cat "$1"/test-suite.log "$1"/heartbeat-tests/*/*.log 2>/dev/null | tail -n 80; return 1; }; }

# a stage whose script exists (later issues add suites)
suite() {
	local name=$1 script=$2
	shift 2
	[ -x "$script" ] || return 0
	stage "$name" env "$@" "$script"
}

lane_cluster() {
	suite attrd heartbeat-tests/live/attrd.sh top_builddir="$top/build"
	suite cluster heartbeat-tests/cluster/selftest.sh LB_OCF_DIR="$top/build/agents"
	suite scenarios heartbeat-tests/cluster/scenarios.sh LB_OCF_DIR="$top/build/agents"
	suite simulate heartbeat-tests/simulate/run.sh LB_BUILD_DIR="$top/build"
	suite galera heartbeat-tests/galera/run.sh AGENT="$top/build/agents/galera"
	suite rabbitmq heartbeat-tests/rabbitmq/run.sh AGENT="$top/build/agents/rabbitmq-cluster"
	suite rabbitmq-cluster heartbeat-tests/rabbitmq/cluster.sh AGENT="$top/build/agents/rabbitmq-cluster"
}

lane_nova() {
	suite libvirt heartbeat-tests/libvirt/run.sh AGENT="$top/build/agents/VirtualDomain"
	suite haproxy heartbeat-tests/haproxy/run.sh AGENT="$top/build/agents/haproxy"
	suite fence-protocol heartbeat-tests/fence/protocol.sh FENCE_COMPUTE="$top/build/fence/fence_compute"
	suite nova heartbeat-tests/nova/selftest.sh
	suite fence-nova heartbeat-tests/fence/nova.sh FENCE_COMPUTE="$top/build/fence/fence_compute"
	suite nova-compute heartbeat-tests/nova/novacompute.sh LB_AGENT_DIR="$top/build/agents"
	suite nova-evacuate heartbeat-tests/nova/evacuate.sh NOVA_EVACUATE="$top/build/agents/NovaEvacuate"
	suite instance-ha heartbeat-tests/nova/instance-ha.sh LB_AGENT_DIR="$top/build/agents"
}

mkdir -p "$logs"
: >"$results"
# Check's per-test timeouts guard against hangs; under ASan on a busy machine
# the CIB tests need longer.
export CK_TIMEOUT_MULTIPLIER=${CK_TIMEOUT_MULTIPLIER:-4}
stage deps scripts/deps.sh nova
stage build scripts/build.sh "$top/build"
stage unit make_check "$top/build"
stage asan bash -c "scripts/build.sh '$top/build-asan' --enable-sanitizers && make -C '$top/build-asan' -j$(nproc) check || { cat '$top'/build-asan/test-suite.log; exit 1; }"
stage valgrind scripts/valgrind.sh "$top/build"
stage distcheck make -C "$top/build" distcheck
lanes lane_cluster lane_nova
# benchmarks: alone, so that their figures are the agents' own
suite bench heartbeat-tests/bench/virtualdomain.sh AGENT_LB="$top/build/agents/VirtualDomain"
suite bench-rabbitmq heartbeat-tests/bench/rabbitmq.sh AGENT_LB="$top/build/agents/rabbitmq-cluster"
suite bench-galera heartbeat-tests/bench/galera.sh AGENT_LB="$top/build/agents/galera"
suite bench-fence-compute heartbeat-tests/bench/fence_compute.sh top_builddir="$top/build"
# N=10 only: N=50 takes 10-20 minutes here (heartbeat-tests/bench/evacuate.sh 10 50)
[ -x heartbeat-tests/bench/evacuate.sh ] &&
	stage bench-evacuate env top_builddir="$top/build" heartbeat-tests/bench/evacuate.sh 10

passed=$(grep -c '^pass ' "$results")
failed=$(grep -c '^fail ' "$results")
echo
[ "$failed" -eq 0 ] || echo "failed stages: $(sed -n 's/^fail //p' "$results" | tr '\n' ' ')"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
