# shellcheck shell=bash
# leftovers.sh - what a cluster of heartbeat-tests/cluster left behind after
# "down". Sourced by the suites that check their own cleanup.
#
#   lbt_mark_down                  call just before "down": remembers the
#                                  cluster's namespace inodes and the time
#   lbt_leftover_procs [STATE_DIR] prints the PIDs of processes still in the
#                                  cluster's namespaces (or naming STATE_DIR
#                                  in their command line), retrying for up to
#                                  10 s while SIGKILLed ones go
#
# A namespace inode number freed by "down" may be reused at once by another
# suite's new namespace (the suites run in lanes at once), so only processes
# started before "down" began count.

lbt_mark_down() {
	lbt_down_inos=$(cat "$LBT_STATE_DIR"/hub.ino "$LBT_STATE_DIR"/nodes/*/netns.ino 2>/dev/null | tr '\n' ' ')
	lbt_down_ticks=$(awk -v hz="$(getconf CLK_TCK)" '{ printf "%d", $1 * hz }' /proc/uptime)
}

lbt_leftovers_once() {
	local p st started ino dir=${1:-}
	for p in /proc/[0-9]*; do
		st=$(awk '/^State:/ { print $2 }' "$p/status" 2>/dev/null) || continue
		[ "$st" = Z ] && continue
		started=$(sed 's/.*) //' "$p/stat" 2>/dev/null | awk '{ print $20 }') || continue
		[ -n "$started" ] && [ "$started" -gt "$lbt_down_ticks" ] && continue
		ino=$(stat -L -c %i "$p/ns/net" 2>/dev/null) || continue
		case " $lbt_down_inos " in *" $ino "*) echo "${p#/proc/}" ;; esac
		if [ -n "$dir" ] && grep -qa -- "$dir" "$p/cmdline" 2>/dev/null; then echo "${p#/proc/}"; fi
	done | sort -u
}

lbt_leftover_procs() {
	local left i
	for ((i = 0; i < 10; i++)); do
		left=$(lbt_leftovers_once "$@")
		[ -z "$left" ] && return 0
		sleep 1
	done
	echo "$left"
}
