#!/bin/bash
# The README's test command: install dependencies, build, and run every test
# stage against real components. Prints one line per stage and ends with
# "N passed, N failed". Logs: build/test-logs/.
#
#   LB_STAGES="unit asan"  run only these stages (default: all)
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
logs=$top/build/test-logs
passed=0 failed=0 failed_names=()

stage() {
	local name=$1
	shift
	if [ -n "${LB_STAGES:-}" ] && ! grep -qw "$name" <<<"$LB_STAGES"; then
		return 0
	fi
	local log=$logs/$name.log start=$SECONDS
	echo "=== stage $name: $*"
	if "$@" >"$log" 2>&1; then
		passed=$((passed + 1))
		grep -E '^[0-9]+ passed, [0-9]+ failed|^# (PASS|FAIL|TOTAL)|^[0-9]+%: Checks' "$log" | sed 's/^/    /'
		echo "ok - $name ($((SECONDS - start)) s)"
	else
		failed=$((failed + 1))
		failed_names+=("$name")
		tail -n 40 "$log" | sed 's/^/    | /'
		echo "not ok - $name ($((SECONDS - start)) s, log: $log)"
	fi
}

make_check() { make -C "$1" -j"$(nproc)" check || { cat "$1"/test-suite.log "$1"/heartbeat-tests/*/*.log 2>/dev/null | tail -n 80; return 1; }; }

mkdir -p "$logs"
# Check's per-test timeouts guard against hangs; under ASan on a busy machine
# the CIB tests need longer.
export CK_TIMEOUT_MULTIPLIER=${CK_TIMEOUT_MULTIPLIER:-4}
stage deps scripts/deps.sh nova
stage build scripts/build.sh "$top/build"
stage unit make_check "$top/build"
stage asan bash -c "scripts/build.sh '$top/build-asan' --enable-sanitizers && make -C '$top/build-asan' -j$(nproc) check || { cat '$top'/build-asan/test-suite.log; exit 1; }"
stage valgrind scripts/valgrind.sh "$top/build"
stage distcheck make -C "$top/build" distcheck
[ -x heartbeat-tests/libvirt/run.sh ] &&
	stage libvirt env AGENT="$top/build/agents/VirtualDomain" heartbeat-tests/libvirt/run.sh
[ -x heartbeat-tests/haproxy/run.sh ] &&
	stage haproxy env AGENT="$top/build/agents/haproxy" heartbeat-tests/haproxy/run.sh
[ -x heartbeat-tests/galera/run.sh ] &&
	stage galera env AGENT="$top/build/agents/galera" heartbeat-tests/galera/run.sh
[ -x heartbeat-tests/live/attrd.sh ] &&
	stage attrd env top_builddir="$top/build" heartbeat-tests/live/attrd.sh
[ -x heartbeat-tests/fence/protocol.sh ] &&
	stage fence-protocol env FENCE_COMPUTE="$top/build/fence/fence_compute" heartbeat-tests/fence/protocol.sh
[ -x heartbeat-tests/cluster/selftest.sh ] &&
	stage cluster env LB_OCF_DIR="$top/build/agents" heartbeat-tests/cluster/selftest.sh
[ -x heartbeat-tests/cluster/scenarios.sh ] &&
	stage scenarios env LB_OCF_DIR="$top/build/agents" heartbeat-tests/cluster/scenarios.sh
[ -x heartbeat-tests/simulate/run.sh ] &&
	stage simulate env LB_BUILD_DIR="$top/build" heartbeat-tests/simulate/run.sh
[ -x heartbeat-tests/nova/selftest.sh ] &&
	stage nova heartbeat-tests/nova/selftest.sh
[ -x heartbeat-tests/fence/nova.sh ] &&
	stage fence-nova env FENCE_COMPUTE="$top/build/fence/fence_compute" heartbeat-tests/fence/nova.sh
[ -x heartbeat-tests/bench/virtualdomain.sh ] &&
	stage bench env AGENT_LB="$top/build/agents/VirtualDomain" heartbeat-tests/bench/virtualdomain.sh
[ -x heartbeat-tests/bench/rabbitmq.sh ] &&
	stage bench-rabbitmq env AGENT_LB="$top/build/agents/rabbitmq-cluster" heartbeat-tests/bench/rabbitmq.sh

echo
[ $failed -eq 0 ] || echo "failed stages: ${failed_names[*]}"
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
