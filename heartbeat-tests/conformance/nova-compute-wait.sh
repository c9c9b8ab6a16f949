# shellcheck shell=sh
# Conformance cases of nova-compute-wait, NovaCompute's wait mode (the same
# binary under another name): the cases of NovaCompute.sh both modes share.

# shellcheck disable=SC2154 # $here comes from run.sh
# shellcheck source=heartbeat-tests/conformance/NovaCompute.sh
. "$here/NovaCompute.sh"

agent_matrix() {
	nc_common_matrix
	# The wait mode has no process: its state file is the resource.
	expect 0 "validate-all ignores NovaCompute's binary parameter" - \
		OCF_RESKEY_binary=/nonexistent -- validate-all
}
