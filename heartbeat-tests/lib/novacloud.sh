# shellcheck shell=bash
# novacloud.sh - the Nova cloud (heartbeat-tests/nova/nova) of a suite: the
# running one that LBT_NOVA_STATE names, or the suite's own, brought up in the
# suite's state directory on the suite's ports and taken down at the end.
# Sourced by the suites that run against Nova.
#
#   lbt_nova_cloud STATE_DIR PORT_BASE [UP_OPTION...]
#       If LBT_NOVA_STATE is set and `nova status` finds that cloud running,
#       uses it. Otherwise exports LBT_NOVA_STATE=STATE_DIR and
#       LBT_NOVA_PORT_BASE=PORT_BASE, takes down what an earlier run left
#       there and runs `nova up UP_OPTION...` (environment such as
#       LBT_NOVA_API_PROCESSES passes through); lbt_nova_own is 1 from before
#       the bring-up on, so that an EXIT trap's lbt_nova_release also takes a
#       half-started cloud down. Says which it did in "# " lines, then evals
#       `nova env` (OS_* and LBT_NOVA_* for the clients). A failed bring-up:
#       "Bail out! nova up failed:", the last 30 lines of its output as "# "
#       lines, the cloud taken down, status 1 (the caller counts the failure
#       and exits; lbt_nova_own stays 1, so that its cleanup puts nothing back).
#   lbt_nova_release
#       takes the cloud down if lbt_nova_cloud brought it up, and removes the
#       bring-up's output file if an interrupt left it; status 1 if the cloud
#       is not the suite's own (the caller puts back what it changed there)

lbt_novah=$(cd "$(dirname "${BASH_SOURCE[0]}")/../nova" && pwd)/nova
lbt_nova_own='' lbt_nova_uplog=''

lbt_nova_cloud() {
	local dir=$1 base=$2 t0=$SECONDS
	shift 2
	if [ -n "${LBT_NOVA_STATE:-}" ] && "$lbt_novah" status >/dev/null 2>&1; then
		echo "# using the running cloud in $LBT_NOVA_STATE"
	else
		export LBT_NOVA_STATE=$dir LBT_NOVA_PORT_BASE=$base
		"$lbt_novah" down >/dev/null 2>&1
		echo "# bringing up Nova in $LBT_NOVA_STATE (ports $LBT_NOVA_PORT_BASE+):${*:+ $*}${LBT_NOVA_API_PROCESSES:+, nova-api $LBT_NOVA_API_PROCESSES processes}"
		lbt_nova_own=1
		lbt_nova_uplog=$(mktemp /tmp/lbt-nova-up.XXXXXX)
		if ! "$lbt_novah" up "$@" >"$lbt_nova_uplog" 2>&1; then
			echo "Bail out! nova up failed:"
			tail -n 30 "$lbt_nova_uplog" | sed 's/^/# /'
			lbt_nova_release
			return 1
		fi
		rm -f "$lbt_nova_uplog"
		lbt_nova_uplog=''
		echo "# cloud up in $((SECONDS - t0)) s"
	fi
	eval "$("$lbt_novah" env)"
}

lbt_nova_release() {
	[ -n "$lbt_nova_uplog" ] && rm -f "$lbt_nova_uplog"
	lbt_nova_uplog=''
	[ -n "$lbt_nova_own" ] || return 1
	"$lbt_novah" down >/dev/null 2>&1
	return 0
}
