# shellcheck shell=sh
# Conformance cases specific to haproxy, sourced by run.sh (which provides
# expect, run, $tmp, $baseline). Only the configuration check runs the real
# haproxy (haproxy -c); no case starts it: heartbeat-tests/haproxy/run.sh does.

# shellcheck disable=SC2154 # $tmp and $baseline come from run.sh

hap_dir=$tmp/haproxy-conf
mkdir -p "$hap_dir/confdir"

# A valid configuration, never started (the port is in the haproxy suite's range).
hap_config() {
	cat <<EOF
global
    stats socket $hap_dir/stats.sock mode 600 level admin
defaults
    mode http
    timeout connect 1s
    timeout client 1s
    timeout server 1s
frontend fe
    bind 127.0.0.1:62099
    default_backend be_app
backend be_app
    server s1 127.0.0.1:62098
EOF
}
hap_config >"$hap_dir/ok.cfg"
hap_config >"$hap_dir/confdir/10-main.cfg"
{
	hap_config
	echo "    bogus_keyword here"
} >"$hap_dir/broken.cfg"
hap_config | grep -v 'stats socket' >"$hap_dir/nostats.cfg"
hap_config | sed "s|stats socket $hap_dir/stats.sock|stats socket unix@$hap_dir/u.sock|" \
	>"$hap_dir/unixat.cfg"

agent_baseline() {
	baseline="$baseline
OCF_RESKEY_config=$hap_dir/ok.cfg"
}

agent_matrix() {
	missing=$tmp/no-such-dir/haproxy.cfg
	cfg="OCF_RESKEY_config=$missing"
	recurring=OCF_RESKEY_CRM_meta_interval=10000

	# A configuration file that does not exist.
	expect "5:$missing" "validate-all with a missing config file" - "$cfg" -- validate-all
	expect "5:$missing" "start with a missing config file" - "$cfg" -- start
	expect 7 "probe with a missing config file" - "$cfg" -- monitor
	expect 7 "recurring monitor with a missing config file, nothing running" - "$cfg" \
		"$recurring" -- monitor
	expect 0 "stop with a missing config file" - "$cfg" -- stop
	expect 1 "reload with a missing config file, nothing running" - "$cfg" -- reload

	# A configuration haproxy rejects: its first error line is the reason.
	cfg="OCF_RESKEY_config=$hap_dir/broken.cfg"
	expect "6:unknown keyword 'bogus_keyword'" "validate-all with a broken config" - "$cfg" \
		-- validate-all
	expect "6:broken.cfg:" "start with a broken config" - "$cfg" -- start
	expect 7 "probe with a broken config" - "$cfg" -- monitor
	expect 0 "stop with a broken config" - "$cfg" -- stop
	expect 1 "reload with a broken config, nothing running" - "$cfg" -- reload

	# Where the stats socket comes from.
	expect "6:stats_socket" "validate-all, config without a stats socket" - \
		"OCF_RESKEY_config=$hap_dir/nostats.cfg" -- validate-all
	expect 0 "validate-all, config without a stats socket, stats_socket set" - \
		"OCF_RESKEY_config=$hap_dir/nostats.cfg" "OCF_RESKEY_stats_socket=$hap_dir/s.sock" \
		-- validate-all
	expect 0 "validate-all, stats socket unix@/path" - \
		"OCF_RESKEY_config=$hap_dir/unixat.cfg" -- validate-all
	expect 0 "validate-all with a directory of *.cfg as config" - \
		"OCF_RESKEY_config=$hap_dir/confdir" -- validate-all
	expect "6:stats_socket" "validate-all with a relative stats_socket" - \
		OCF_RESKEY_stats_socket=stats.sock -- validate-all

	# The binary.
	bin=OCF_RESKEY_binary=$tmp/no-such-dir/haproxy
	expect "5:no-such-dir/haproxy" "validate-all with a missing binary" - "$bin" -- validate-all
	expect "5:no-such-dir/haproxy" "start with a missing binary" - "$bin" -- start
	expect 7 "probe with a missing binary" - "$bin" -- monitor
	expect 0 "stop with a missing binary" - "$bin" -- stop

	# backends: NAME:MIN pairs.
	for v in be_app "be_app:x" "be_app:-1" ":2" "be_app:2 be_db" "be_app:1.5" "be_app:"; do
		expect "6:backends" "validate-all with backends='$v'" - "OCF_RESKEY_backends=$v" \
			-- validate-all
		expect "6:backends" "start with backends='$v'" - "OCF_RESKEY_backends=$v" -- start
	done
	expect 0 "validate-all with backends='be_app:2 be_db:0'" - \
		"OCF_RESKEY_backends=be_app:2 be_db:0" -- validate-all
	expect 7 "probe with bad backends, nothing running" - "OCF_RESKEY_backends=x" -- monitor

	# Paths the agent owns must be absolute and fit a unix socket address.
	expect "6:pid" "validate-all with a relative pid" - OCF_RESKEY_pid=haproxy.pid -- validate-all
	expect "6:pid" "stop with a relative pid" - OCF_RESKEY_pid=haproxy.pid -- stop
	expect "6:master_socket" "validate-all with a relative master_socket" - \
		OCF_RESKEY_master_socket=master.sock -- validate-all
	long=/tmp/$(repeat 120 m)
	expect "6:master_socket" "validate-all with a master_socket too long for a socket" - \
		"OCF_RESKEY_master_socket=$long" -- validate-all
	expect "6:stats_socket" "validate-all with a stats_socket too long for a socket" - \
		"OCF_RESKEY_stats_socket=$long" -- validate-all

	# extra_options: the agent's own options are refused; others reach haproxy -c.
	for v in -D "-W" "-L n -sf 1" "-p /tmp/x.pid"; do
		expect "6:extra_options" "validate-all with extra_options='$v'" - \
			"OCF_RESKEY_extra_options=$v" -- validate-all
	done
	expect 0 "validate-all with extra_options='-L lbconf'" - \
		"OCF_RESKEY_extra_options=-L lbconf" -- validate-all
	expect "6:no-such-dir" "validate-all with extra_options naming a missing -f" - \
		"OCF_RESKEY_extra_options=-f $tmp/no-such-dir/x.cfg" -- validate-all

	# A stale PID file (garbage, or a PID that is not haproxy) is "not running".
	printf 'garbage\n' >"$hap_dir/garbage.pid"
	expect 7 "probe with a garbage PID file" - "OCF_RESKEY_pid=$hap_dir/garbage.pid" -- monitor
	expect 0 "stop with a garbage PID file" - "OCF_RESKEY_pid=$hap_dir/garbage.pid" -- stop
	echo 1 >"$hap_dir/init.pid"
	expect 7 "probe with a PID file naming init" - "OCF_RESKEY_pid=$hap_dir/init.pid" -- monitor

	# OCF 1.1 reload-agent is dispatched (as reload) although the DTD keeps it
	# out of the meta-data.
	expect 1 "reload-agent, nothing running" - -- reload-agent
	if grep -q 'reload-agent' "$meta"; then
		not_ok "haproxy: meta-data does not list reload-agent (not in ra-api-1.dtd)"
	else
		ok "haproxy: meta-data does not list reload-agent (not in ra-api-1.dtd)"
	fi
}
