# shellcheck shell=sh
# Conformance cases specific to NovaCompute (and, through nova-compute-wait.sh,
# its wait mode), sourced by run.sh (which provides expect, run, $tmp,
# $baseline, $agent_name). No case reaches Keystone successfully or starts
# nova-compute: heartbeat-tests/nova/novacompute.sh does that against a real
# Nova. Keystone here is either refused (a closed port) or a black hole.

# shellcheck disable=SC2154 # $tmp, $baseline and $agent_name come from run.sh

nc_dir=$tmp/$agent_name-conf
mkdir -p "$nc_dir/nova.conf.d"
printf '[DEFAULT]\nhost = lbconf-node\n' >"$nc_dir/nova.conf"
printf '[DEFAULT]\nhost = lbt-unknown-host\n' >"$nc_dir/other-host.conf"
printf '[DEFAULT]\nhost = lbconf-node.example.com\n' >"$nc_dir/fqdn.conf"
printf '#!/bin/sh\nexit 0\n' >"$nc_dir/nova-compute"
chmod 755 "$nc_dir/nova-compute"
# A port nobody listens on (refused at once), in the range of no suite.
nc_refused=http://127.0.0.1:9/v3

agent_baseline() {
	baseline="$baseline
OCF_RESKEY_auth_url=$nc_refused
OCF_RESKEY_username=admin
OCF_RESKEY_password=lb-conformance-secret
OCF_RESKEY_tenant_name=admin
OCF_RESKEY_config=$nc_dir/nova.conf
OCF_RESKEY_CRM_meta_on_node=lbconf-node"
	if [ "$agent_name" = NovaCompute ]; then
		baseline="$baseline
OCF_RESKEY_binary=$nc_dir/nova-compute
OCF_RESKEY_user=root
OCF_RESKEY_log=$nc_dir/nova-compute.log"
	fi
}

# Cases of both modes.
nc_common_matrix() {
	missing=$tmp/no-such-dir/nova.conf
	recurring=OCF_RESKEY_CRM_meta_interval=10000

	# nova.conf that does not exist: this node is not set up.
	expect "5:$missing" "validate-all with a missing nova.conf" - "OCF_RESKEY_config=$missing" \
		-- validate-all
	expect "5:$missing" "start with a missing nova.conf" - "OCF_RESKEY_config=$missing" -- start
	expect 7 "probe with a missing nova.conf" - "OCF_RESKEY_config=$missing" -- monitor
	expect 0 "stop with a missing nova.conf" - "OCF_RESKEY_config=$missing" -- stop
	expect "5:no-such-dir" "validate-all with a missing config_dir" - \
		"OCF_RESKEY_config_dir=$tmp/no-such-dir" -- validate-all
	expect 0 "validate-all with a config_dir" - "OCF_RESKEY_config_dir=$nc_dir/nova.conf.d" \
		-- validate-all
	expect "6:config" "validate-all with an empty config list" - "OCF_RESKEY_config= " \
		-- validate-all

	# Nova's host name is not the cluster node's: fence_compute would not find it.
	expect "6:lbt-unknown-host" "validate-all with an unknown Nova host" - \
		"OCF_RESKEY_config=$nc_dir/other-host.conf" -- validate-all
	expect "6:lbt-unknown-host" "start with an unknown Nova host" - \
		"OCF_RESKEY_config=$nc_dir/other-host.conf" -- start
	expect 0 "validate-all, Nova's FQDN for the cluster's short name" - \
		"OCF_RESKEY_config=$nc_dir/fqdn.conf" -- validate-all
	expect 0 "validate-all, Nova's FQDN in the given domain" - \
		"OCF_RESKEY_config=$nc_dir/fqdn.conf" OCF_RESKEY_domain=example.com -- validate-all
	expect "6:not in domain other.org" "validate-all, Nova's FQDN in another domain" - \
		"OCF_RESKEY_config=$nc_dir/fqdn.conf" OCF_RESKEY_domain=other.org -- validate-all

	# Keystone.
	expect "6:auth_url" "validate-all with a non-URL auth_url" - OCF_RESKEY_auth_url=keystone:5000 \
		-- validate-all
	expect "1:cannot reach Keystone" "start with Keystone refusing connections" - -- start
	blackhole_start
	expect "1:cannot reach Keystone" "start with Keystone a black hole (timeout 6 s)" - \
		"OCF_RESKEY_auth_url=$blackhole_url" OCF_RESKEY_CRM_meta_timeout=6000 -- start
	expect "6:endpoint_type" "validate-all with endpoint_type=privateURL" - \
		OCF_RESKEY_endpoint_type=privateURL -- validate-all
	for v in internalURL publicURL adminURL internal public admin; do
		expect 0 "validate-all with endpoint_type=$v" - "OCF_RESKEY_endpoint_type=$v" -- validate-all
	done
	expect "6:evacuation_delay" "validate-all with evacuation_delay=-1" - \
		OCF_RESKEY_evacuation_delay=-1 -- validate-all
	expect 7 "recurring monitor, nothing started" - "$recurring" -- monitor
	expect 0 "stop, nothing started" - -- stop
	expect 0 "stop twice, nothing started" - -- stop

	# The password appears nowhere: not in any output, not in the log.
	run - -- start
	if grep -q lb-conformance-secret "$tmp/out" "$tmp/err" "$tmp/$agent_name.log" 2>/dev/null; then
		not_ok "$agent_name: the password is in no output and no log"
	else
		ok "$agent_name: the password is in no output and no log"
	fi
}

agent_matrix() {
	nc_common_matrix
	missing=$tmp/no-such-dir/nova-compute
	expect "5:$missing" "validate-all with a missing binary" - "OCF_RESKEY_binary=$missing" \
		-- validate-all
	expect "6:binary" "validate-all with a relative binary" - OCF_RESKEY_binary=nova-compute \
		-- validate-all
	expect "5:lb-no-such-user" "validate-all with an unknown user" - \
		OCF_RESKEY_user=lb-no-such-user -- validate-all
	expect "5:does not exist" "validate-all with a log in a missing directory" - \
		"OCF_RESKEY_log=$tmp/no-such-dir/nova-compute.log" -- validate-all
	expect "6:pid" "validate-all with a relative pid" - OCF_RESKEY_pid=nc.pid -- validate-all
	expect 7 "probe with a stale PID file (PID 1, not ours)" - \
		"OCF_RESKEY_pid=$nc_dir/stale.pid" -- monitor
	printf '1\n1\n' >"$nc_dir/stale.pid"
	expect 7 "probe with a PID file naming another process" - \
		"OCF_RESKEY_pid=$nc_dir/stale.pid" -- monitor
	expect 0 "stop with a PID file naming another process" - \
		"OCF_RESKEY_pid=$nc_dir/stale.pid" -- stop
	if [ -e "$nc_dir/stale.pid" ]; then
		not_ok "$agent_name: stop removes a stale PID file"
	else
		ok "$agent_name: stop removes a stale PID file"
	fi
}
