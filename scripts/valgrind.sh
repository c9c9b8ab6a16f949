#!/bin/bash
# Valgrind (memcheck) over a build dir ($1, default build/): every unit test
# (Check in no-fork mode), then every agent's meta-data, validate-all and
# monitor with an empty environment, following exec into the full agents.
# Exits 1 if valgrind reports an error or a definite leak.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
vg=(valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite
	--suppressions="$top/heartbeat-tests/unit/pacemaker.supp")
# The agents' fronts exec their full implementation: follow it. Unit tests are
# not traced into their children, which inspect their own descriptors.
vg_exec=("${vg[@]}" --trace-children=yes --child-silent-after-fork=yes)
rc=0

for t in "$build"/heartbeat-tests/unit/test_*; do
	if [ ! -f "$t" ] || [ ! -x "$t" ]; then continue; fi
	echo "--- $t"
	CK_FORK=no "${vg[@]}" "$t" || rc=1
done
for a in "$build"/agents/*; do
	if [ ! -f "$a" ] || [ ! -x "$a" ]; then continue; fi
	echo "--- $a"
	"${vg_exec[@]}" "$a" meta-data >/dev/null || rc=1
	for action in validate-all monitor; do
		env -i "${vg_exec[@]}" "$a" "$action" 2>/dev/null
		[ $? -ne 99 ] || { echo "valgrind error in $a $action"; rc=1; }
	done
done
exit $rc
