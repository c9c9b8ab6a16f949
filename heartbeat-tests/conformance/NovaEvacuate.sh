# shellcheck shell=sh
# Conformance cases specific to NovaEvacuate, sourced by run.sh (which provides
# expect, run, $tmp, $baseline, $agent_name). Keystone is refused (a closed
# port) or a black hole: the engine starts, cannot log in, and keeps trying;
# nothing reaches Nova. heartbeat-tests/nova/evacuate.sh evacuates for real.

# shellcheck disable=SC2154 # $tmp, $baseline and $agent_name come from run.sh

ne_refused=http://127.0.0.1:9/v3

agent_baseline() {
	baseline="$baseline
OCF_RESKEY_auth_url=$ne_refused
OCF_RESKEY_username=admin
OCF_RESKEY_password=lb-conformance-secret
OCF_RESKEY_tenant_name=admin"
}

agent_matrix() {
	recurring=OCF_RESKEY_CRM_meta_interval=10000

	expect "6:auth_url" "validate-all with a non-URL auth_url" - OCF_RESKEY_auth_url=keystone:5000 \
		-- validate-all
	expect "6:endpoint_type" "validate-all with endpoint_type=privateURL" - \
		OCF_RESKEY_endpoint_type=privateURL -- validate-all
	for v in internalURL publicURL adminURL internal public admin; do
		expect 0 "validate-all with endpoint_type=$v" - "OCF_RESKEY_endpoint_type=$v" -- validate-all
	done
	expect "6:max_parallel" "validate-all with max_parallel=0" - OCF_RESKEY_max_parallel=0 \
		-- validate-all
	expect "6:request_grace" "validate-all with request_grace=1" - OCF_RESKEY_request_grace=1 \
		-- validate-all
	expect "6:cacert" "validate-all with a missing cacert" - \
		"OCF_RESKEY_cacert=$tmp/no-such-dir/ca.pem" -- validate-all

	# nothing started
	expect 7 "probe, nothing started" - -- monitor
	expect 7 "recurring monitor, nothing started" - "$recurring" -- monitor
	expect 0 "stop, nothing started" - -- stop
	expect 0 "stop twice, nothing started" - -- stop

	# the engine starts and keeps trying to reach Keystone
	expect 0 "start with Keystone refusing connections (the engine keeps trying)" - -- start
	expect 0 "start again: the engine runs" - -- start
	expect 0 "recurring monitor of the waiting engine" - "$recurring" -- monitor
	if grep -q lb-conformance-secret "$tmp/out" "$tmp/err" "$tmp/$agent_name.log" \
		"$tmp/$agent_name.rsctmp"/* 2>/dev/null; then
		not_ok "$agent_name: the password is in no output, state file or log"
	else
		ok "$agent_name: the password is in no output, state file or log"
	fi
	expect 0 "stop the engine" - -- stop
	expect 7 "recurring monitor after stop" - "$recurring" -- monitor
	blackhole_start
	expect 0 "start with Keystone a black hole (timeout 6 s)" - \
		"OCF_RESKEY_auth_url=$blackhole_url" OCF_RESKEY_CRM_meta_timeout=6000 -- start
	expect 0 "stop it (timeout 6 s)" - OCF_RESKEY_CRM_meta_timeout=6000 -- stop

	# the engine mode needs its configuration on a pipe
	expect "2|1" "the engine run by hand, without a configuration" - -- engine
}
