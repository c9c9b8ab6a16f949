# shellcheck shell=sh
# Conformance cases specific to rabbitmq-cluster, sourced by run.sh (which
# provides expect, run, ok, not_ok, $tmp and $baseline). No case starts
# RabbitMQ (heartbeat-tests/rabbitmq/run.sh does): a process named beam.smp
# (a copy of sleep) stands in for a running server, and a small HTTP server
# stands in for its management API, answering as RabbitMQ 3.10 does -- or
# refusing the credentials, or answering garbage. Ports 64190-64199.

# shellcheck disable=SC2154 # $tmp, $baseline and $rc come from run.sh

rmq_dir=$tmp/rabbitmq
mkdir -p "$rmq_dir/home" "$rmq_dir/mnesia" "$rmq_dir/log"
echo '[rabbitmq_management].' >"$rmq_dir/enabled_plugins"
echo '[].' >"$rmq_dir/no_plugins"
: >"$rmq_dir/rabbitmq-env.conf"
echo 'listeners.tcp.default = 64198' >"$rmq_dir/rabbitmq.conf"
printf 'monitor:secret\n' >"$rmq_dir/creds"
printf 'no colon here\n' >"$rmq_dir/creds.bad"
: >"$rmq_dir/creds.empty"
rmq_api=64191 # the fake management API
rmq_closed=64192 # nothing listens there

agent_baseline() {
	baseline="$baseline
OCF_RESKEY_user=root
OCF_RESKEY_nodename=lbconf@localhost
OCF_RESKEY_home=$rmq_dir/home
OCF_RESKEY_mnesia_base=$rmq_dir/mnesia
OCF_RESKEY_log_base=$rmq_dir/log
OCF_RESKEY_pid_file=$rmq_dir/rmq.pid
OCF_RESKEY_enabled_plugins_file=$rmq_dir/enabled_plugins
OCF_RESKEY_env_file=$rmq_dir/rabbitmq-env.conf
OCF_RESKEY_config_file=$rmq_dir/rabbitmq.conf
OCF_RESKEY_epmd_port=64197
OCF_RESKEY_mgmt_url=http://127.0.0.1:$rmq_api
OCF_RESKEY_mgmt_credentials=$rmq_dir/creds"
}

# The fake management API: GET /api/nodes answers the file named by the
# password (monitor:<file>), 401 for any other user, 500 for "boom".
rmq_fake_api() {
	cat >"$rmq_dir/api.py" <<'EOF'
import base64, http.server, os, sys
d = sys.argv[2]
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        auth = self.headers.get("Authorization", "")
        user, _, pw = base64.b64decode(auth[6:]).decode().partition(":") if auth.startswith("Basic ") else ("", "", "")
        if user != "monitor":
            self.send_response(401); self.end_headers(); self.wfile.write(b'{"error":"not_authorized"}'); return
        if pw == "boom":
            self.send_response(500); self.end_headers(); return
        f = os.path.join(d, pw + ".json")
        body = open(f, "rb").read() if os.path.exists(f) else b"not json"
        self.send_response(200); self.send_header("Content-Type", "application/json"); self.end_headers(); self.wfile.write(body)
    def log_message(self, *a): pass
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
EOF
	timeout 300 python3 "$rmq_dir/api.py" "$rmq_api" "$rmq_dir" >/dev/null 2>&1 &
	rmq_api_pid=$!
	python3 -c "
import socket, time
for _ in range(50):
    try:
        socket.create_connection(('127.0.0.1', $rmq_api), 1); break
    except OSError:
        time.sleep(0.1)
else:
    raise SystemExit(1)" 2>/dev/null
}

# A process named beam.smp that started with our PID file in its environment.
rmq_fake_beam() {
	cp /bin/sleep "$rmq_dir/beam.smp"
	RABBITMQ_PID_FILE=$rmq_dir/rmq.pid timeout 300 "$rmq_dir/beam.smp" 290 &
	rmq_beam_pid=$!
	sleep 0.2
	# timeout is the parent; the PID file names the beam.smp child
	rmq_beam=$(ps -o pid= --ppid "$rmq_beam_pid" | tr -d ' ')
	echo "$rmq_beam" >"$rmq_dir/rmq.pid"
}

rmq_views() {
	me='"name":"lbconf@localhost"'
	cat >"$rmq_dir/healthy.json" <<EOF
[{"partitions":[],"os_pid":"1",$me,"running":true},{"partitions":[],"name":"lbconf2@localhost","running":true}]
EOF
	sed 's/"name":"lbconf@/"name":"other@/' "$rmq_dir/healthy.json" >"$rmq_dir/absent.json"
	cat >"$rmq_dir/minority.json" <<EOF
[{"partitions":["lbconf2@localhost","lbconf3@localhost"],$me,"running":true},{"partitions":["lbconf@localhost"],"name":"lbconf2@localhost","running":false},{"partitions":[],"name":"lbconf3@localhost","running":false}]
EOF
	cat >"$rmq_dir/majority.json" <<EOF
[{"partitions":["lbconf3@localhost"],$me,"running":true},{"partitions":["lbconf3@localhost"],"name":"lbconf2@localhost","running":true},{"partitions":[],"name":"lbconf3@localhost","running":false}]
EOF
	cat >"$rmq_dir/stopped.json" <<EOF
[{"partitions":[],$me,"running":false}]
EOF
	echo '{"not":"a list"}' >"$rmq_dir/object.json"
}

rmq_pw() { # the credentials file whose password selects the fake API's answer
	printf 'monitor:%s\n' "$1" >"$rmq_dir/creds.$1"
	echo "OCF_RESKEY_mgmt_credentials=$rmq_dir/creds.$1"
}

agent_matrix() {
	rec=OCF_RESKEY_CRM_meta_interval=10000

	# Programs and files that are not there: not installed; probe and stop see nothing.
	for p in server ctl; do
		v="OCF_RESKEY_$p=$tmp/no-such-dir/$p"
		expect "5:no-such-dir/$p" "validate-all with a missing $p" - "$v" -- validate-all
		expect "5:no-such-dir/$p" "start with a missing $p" - "$v" -- start
		expect 7 "probe with a missing $p" - "$v" -- monitor
		expect 0 "stop with a missing $p" - "$v" -- stop
	done
	expect "5:no-such-user" "validate-all with an unknown user" - OCF_RESKEY_user=no-such-user \
		-- validate-all
	v="OCF_RESKEY_config_file=$tmp/no-such-dir/rabbitmq"
	expect "5:no-such-dir/rabbitmq" "validate-all with a missing config_file" - "$v" -- validate-all
	expect "5:no-such-dir/rabbitmq" "start with a missing config_file" - "$v" -- start
	expect 7 "probe with a missing config_file" - "$v" -- monitor
	expect 0 "validate-all with config_file given without .conf" - \
		"OCF_RESKEY_config_file=$rmq_dir/rabbitmq" -- validate-all
	expect "5:env_file" "validate-all with a missing env_file" - \
		"OCF_RESKEY_env_file=$tmp/no-such-dir/env" -- validate-all

	# Management credentials from a file.
	v="OCF_RESKEY_mgmt_credentials=$tmp/no-such-dir/creds"
	expect "5:mgmt_credentials" "validate-all with a missing credentials file" - "$v" -- validate-all
	expect "5:mgmt_credentials" "start with a missing credentials file" - "$v" -- start
	expect 7 "probe with a missing credentials file" - "$v" -- monitor
	for f in creds.bad creds.empty; do
		expect "6:USER:PASSWORD" "validate-all with credentials file $f" - \
			"OCF_RESKEY_mgmt_credentials=$rmq_dir/$f" -- validate-all
	done
	expect 0 "validate-all without a credentials file (guest)" - OCF_RESKEY_mgmt_credentials= \
		-- validate-all

	# set_policy as the shell agent takes it.
	for v in "ha-all" "ha-all ^" "ha-all ^ ha-mode=all" "ha-all ^ [1]" \
		"--priority x ha-all ^ {}" "--vhost"; do
		expect "6:set_policy" "validate-all with set_policy='$v'" - "OCF_RESKEY_set_policy=$v" \
			-- validate-all
		expect "6:set_policy" "start with set_policy='$v'" - "OCF_RESKEY_set_policy=$v" -- start
	done
	expect 0 "validate-all with the reference set_policy" - \
		'OCF_RESKEY_set_policy=ha-all ^(?!amq\.).* {"ha-mode":"all"}' -- validate-all
	expect 0 "validate-all with set_policy options" - \
		'OCF_RESKEY_set_policy=--vhost /x --priority 1 --apply-to queues p ^ {"ha-mode":"all"}' \
		-- validate-all

	# URLs, paths, names.
	for v in "127.0.0.1:15672" "ftp://x" "file:///etc/passwd"; do
		expect "6:mgmt_url" "validate-all with mgmt_url='$v'" - "OCF_RESKEY_mgmt_url=$v" \
			-- validate-all
	done
	for p in home mnesia_base log_base pid_file config_file enabled_plugins_file server; do
		expect "6:$p" "validate-all with a relative $p" - "OCF_RESKEY_$p=relative/x" -- validate-all
	done
	for v in "a b@c" "a@b@c" "@host" "it's@x"; do
		expect "6:nodename" "validate-all with nodename='$v'" - "OCF_RESKEY_nodename=$v" \
			-- validate-all
	done
	expect 0 "validate-all with a nodename without host" - OCF_RESKEY_nodename=rabbit \
		-- validate-all
	expect "6:OCF_RESOURCE_INSTANCE" "start without OCF_RESOURCE_INSTANCE" \
		OCF_RESOURCE_INSTANCE -- start

	# Stale PID files: "not running", and stop has nothing to do.
	printf 'garbage\n' >"$rmq_dir/rmq.pid"
	expect 7 "probe with a garbage PID file" - -- monitor
	expect 0 "stop with a garbage PID file" - -- stop
	echo 1 >"$rmq_dir/rmq.pid"
	expect 7 "probe with a PID file naming init" - -- monitor
	expect 7 "recurring monitor with a PID file naming init" - "$rec" -- monitor
	expect 0 "notify post-stop with nothing running" - OCF_RESKEY_CRM_meta_notify_type=post \
		OCF_RESKEY_CRM_meta_notify_operation=stop -- notify

	# A running "server" whose management API answers in every way it can.
	rmq_views
	rmq_fake_beam
	if ! rmq_fake_api; then
		not_ok "rabbitmq-cluster: the fake management API listens on $rmq_api"
	fi
	expect "1:does not answer" "monitor, node runs, management API unreachable" - "$rec" \
		"OCF_RESKEY_mgmt_url=http://127.0.0.1:$rmq_closed" -- monitor
	printf 'wrong:secret\n' >"$rmq_dir/creds.bad2"
	expect "6:credentials" "monitor, node runs, wrong credentials (HTTP 401)" - "$rec" \
		"OCF_RESKEY_mgmt_credentials=$rmq_dir/creds.bad2" -- monitor
	expect "1:HTTP 500" "monitor, node runs, API answers 500" - "$rec" "$(rmq_pw boom)" -- monitor
	expect "1:not a node list" "monitor, node runs, API answers garbage" - "$rec" \
		"$(rmq_pw garbage)" -- monitor
	expect "1:not a node list" "monitor, node runs, API answers an object" - "$rec" \
		"$(rmq_pw object)" -- monitor
	expect 0 "monitor, healthy node" - "$rec" "$(rmq_pw healthy)" -- monitor
	expect 0 "probe, healthy node" - "$(rmq_pw healthy)" -- monitor
	expect "1:not a member" "monitor, node missing from the node list" - "$rec" \
		"$(rmq_pw absent)" -- monitor
	expect "1:not running" "monitor, node listed as not running" - "$rec" \
		"$(rmq_pw stopped)" -- monitor
	expect "1:must restart" "monitor, node on the minority side of a partition" - "$rec" \
		"$(rmq_pw minority)" -- monitor
	expect 0 "monitor, node on the majority side of a partition" - "$rec" \
		"$(rmq_pw majority)" -- monitor
	expect "6:credentials" "start with the node running, wrong credentials" - \
		"OCF_RESKEY_mgmt_credentials=$rmq_dir/creds.bad2" -- start

	kill "$rmq_api_pid" "$rmq_beam_pid" "$rmq_beam" 2>/dev/null
	wait "$rmq_api_pid" "$rmq_beam_pid" 2>/dev/null
	rm -f "$rmq_dir/rmq.pid"
}
