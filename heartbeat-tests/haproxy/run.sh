#!/bin/bash
# ocf:lifeboat:haproxy against the real haproxy (Debian's 2.6) and real HTTP
# backends (backend.py), all on 127.0.0.1 ports 62000-62099:
#
#   62000 the frontend   62001-62003 backends s1 s2 s3   62010 a port kept busy
#   62020 ocf-tester's frontend
#
#   AGENT=build/agents/haproxy heartbeat-tests/haproxy/run.sh
#
# Covers the bad-input matrix, start/monitor/stop, backend minimums, seamless
# reloads under a client load (zero failed requests), failed reloads (broken
# config, address in use) that keep the old worker, a lost stats socket, a
# graceful and a forced stop, stale PID files, a killed master, ocf-tester.
# TAP output, ending with "N passed, N failed". Every process it starts is
# stopped by PID on exit; KEEP_STATE=1 keeps the state dir (always kept on
# failure).
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
AGENT=${AGENT:-$HERE/../../build/agents/haproxy}
case $AGENT in /*) ;; *) AGENT=$(pwd)/$AGENT ;; esac
PY=/usr/bin/python3
HAPROXY=${HAPROXY:-/usr/sbin/haproxy}

for need in "$AGENT" "$HAPROXY" "$PY" /usr/sbin/ocf-tester; do
	if [ ! -x "$need" ]; then
		echo "Bail out! $need is missing (see heartbeat-tests/deps.txt)"
		exit 1
	fi
done

FE=62000 S1=62001 S2=62002 S3=62003 BUSY=62010 TESTER_FE=62020
STATE=$(mktemp -d /tmp/lbt-haproxy-run.XXXXXX) || exit 1
chmod 755 "$STATE" # ocf-tester runs meta-data as nobody
mkdir -p "$STATE/rsctmp"
INST=lbt-haproxy
CFG=$STATE/haproxy.cfg
PIDFILE=$STATE/rsctmp/lifeboat-haproxy-$INST.pid
MASTER_SOCK=$STATE/rsctmp/lifeboat-haproxy-$INST.master
STATS_SOCK=$STATE/stats.sock

n=0 passed=0 failed=0
declare -A BACKEND=() # port -> PID of backend.py
declare -a BG=()      # other background PIDs we started

# ------------------------------------------------------------------ TAP

ok() {
	n=$((n + 1)) passed=$((passed + 1))
	echo "ok $n - $1"
}
not_ok() {
	n=$((n + 1)) failed=$((failed + 1))
	echo "not ok $n - $1"
	[ -z "${2:-}" ] || printf '%s\n' "$2" | sed 's/^/#   /'
}
check() { # check DESC CMD...
	local desc=$1
	shift
	if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}
note() { echo "# $*"; }

# ------------------------------------------------------------------ processes

pid_alive() {
	local st
	st=$(awk '/^State:/ { print $2; exit }' "/proc/$1/status" 2>/dev/null) || return 1
	[ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ]
}

is_haproxy() { [ "$(readlink "/proc/$1/exe" 2>/dev/null)" = "$(readlink -f "$HAPROXY")" ]; }

master_pid() { tr -dc 0-9 2>/dev/null <"$PIDFILE"; }

# The workers (children) of haproxy master $1.
workers_of() { ps -o pid= --ppid "$1" 2>/dev/null | tr -d ' '; }

# The PID of the worker that answers on the stats socket.
stats_worker() { "$PY" "$HERE/client.py" cli "$STATS_SOCK" "show info" 2>/dev/null | awk '/^Pid:/ { print $2 }'; }

show_proc() { "$PY" "$HERE/client.py" cli "$MASTER_SOCK" "show proc" 2>/dev/null; }

wait_port() { # wait_port PORT: until something accepts on it (5 s)
	for _ in $(seq 1 50); do
		if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then
			return 0
		fi
		sleep 0.1
	done
	return 1
}

port_closed() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

start_backend() { # start_backend PORT NAME
	"$PY" "$HERE/backend.py" "$1" "$2" >/dev/null 2>&1 &
	BACKEND[$1]=$!
	wait_port "$1"
}

# bg_done PID: a background process we started has been waited for.
bg_done() {
	local keep=() p
	for p in "${BG[@]}"; do
		[ "$p" = "$1" ] || keep+=("$p")
	done
	BG=("${keep[@]}")
}

stop_backend() {
	local pid=${BACKEND[$1]:-}
	[ -n "$pid" ] || return 0
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	unset "BACKEND[$1]"
}

# Stop every haproxy whose PID file is in our state dir, and its workers.
stop_haproxies() {
	local f pid w
	for f in "$STATE"/rsctmp/*.pid; do
		[ -f "$f" ] || continue
		pid=$(tr -dc 0-9 <"$f")
		if [ -z "$pid" ] || ! pid_alive "$pid" || ! is_haproxy "$pid"; then
			continue
		fi
		for w in $(workers_of "$pid"); do
			kill -KILL "$w" 2>/dev/null
		done
		kill -KILL "$pid" 2>/dev/null
	done
}

cleanup() {
	local p
	trap - EXIT INT TERM
	stop_haproxies
	for p in "${BACKEND[@]}" "${BG[@]}"; do
		[ -z "$p" ] || kill "$p" 2>/dev/null
	done
	wait 2>/dev/null
	if [ "$failed" -ne 0 ] || [ "${KEEP_STATE:-0}" = 1 ]; then
		echo "# state and agent log kept in $STATE"
	else
		rm -rf "$STATE"
	fi
}
trap cleanup EXIT
trap 'echo "# interrupted"; failed=$((failed + 1)); echo "$passed passed, $failed failed"; exit 130' INT
trap 'echo "# terminated"; failed=$((failed + 1)); echo "$passed passed, $failed failed"; exit 143' TERM

# ------------------------------------------------------------------ the agent

# ra ACTION [VAR=VALUE...]: run the agent like pacemaker-execd would (with a
# hard deadline); rc in $rc, stderr in $STATE/err, elapsed ms in $ms.
ra() {
	local action=$1 t0
	shift
	t0=$(date +%s%N)
	timeout -k 5 60 env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin OCF_ROOT=/usr/lib/ocf \
		OCF_RESOURCE_INSTANCE="$INST" HA_RSCTMP="$STATE/rsctmp" HA_LOGFACILITY=none \
		HA_LOGFILE="$STATE/agent.log" OCF_RESKEY_CRM_meta_timeout=20000 \
		OCF_RESKEY_CRM_meta_interval=10000 OCF_RESKEY_config="$CFG" "$@" \
		"$AGENT" "$action" >"$STATE/out" 2>"$STATE/err"
	rc=$?
	ms=$((($(date +%s%N) - t0) / 1000000))
	echo "$(date +%T.%N | cut -c1-12) $action $* -> $rc (${ms} ms)" >>"$STATE/agent.log"
}

reason() { sed -n 's/^ocf-exit-reason://p' "$STATE/err" | head -n 1; }

# expect WANT[:WORD] DESC ACTION [VAR=VALUE...]: the exit code, an exit reason
# with every error, and WORD in that reason.
expect() {
	local want=${1%%:*} word="" desc=$2 why=""
	case $1 in *:*) word=${1#*:} ;; esac
	shift 2
	ra "$@"
	if [ "$rc" != "$want" ]; then
		why="exit $rc, expected $want"
	elif [ "$rc" -ne 0 ] && [ "$rc" -ne 7 ] && ! grep -q '^ocf-exit-reason:.' "$STATE/err"; then
		why="exit $rc without an ocf-exit-reason line"
	elif [ -n "$word" ] && ! reason | grep -qF -- "$word"; then
		why="exit reason does not mention '$word'"
	fi
	if [ -z "$why" ]; then
		ok "$desc (exit $rc${word:+, \"$word\"})"
	else
		not_ok "$desc" "$why
reason: $(reason)
stderr: $(grep -v '^ocf-exit-reason:' "$STATE/err" | head -n 3)"
	fi
}

# Monitor until it returns WANT (5 s): health checks take a moment.
expect_soon() { # expect_soon WANT[:WORD] DESC [VAR=VALUE...]
	local want=$1 desc=$2
	shift 2
	for _ in $(seq 1 25); do
		ra monitor "$@"
		if [ "$rc" = "${want%%:*}" ] && { [ "$want" = "${want#*:}" ] || has "$(reason)" "${want#*:}"; }; then
			break
		fi
		sleep 0.2
	done
	expect "$want" "$desc" monitor "$@"
}

# ------------------------------------------------------------------ configs

# write_cfg GEN [EXTRA]: the test configuration; every response carries
# "X-Gen: GEN", so a client sees which configuration served it.
write_cfg() {
	cat >"$CFG.tmp" <<EOF
global
    stats socket $STATS_SOCK mode 600 level admin expose-fd listeners
defaults
    mode http
    timeout connect 2s
    timeout client 10s
    timeout server 40s
    retries 2
    option redispatch
frontend fe
    bind 127.0.0.1:$FE
    default_backend be_app
    http-response set-header X-Gen $1
backend be_app
    server s1 127.0.0.1:$S1 check inter 200 fall 1 rise 1
    server s2 127.0.0.1:$S2 check inter 200 fall 1 rise 1
backend be_db
    server s3 127.0.0.1:$S3 check inter 200 fall 1 rise 1
${2:-}
EOF
	mv "$CFG.tmp" "$CFG"
}

get() { "$PY" "$HERE/client.py" get "$FE"; } # "STATUS GEN BODY"
served() { get | grep -q "^200 $1 backend s"; } # served GEN: a request gets X-Gen GEN
dead() { ! pid_alive "$1"; }
none_or_dead() { [ -z "$1" ] || dead "$1"; }
is_master() { pid_alive "$1" && is_haproxy "$1"; }
has() { [[ $1 == *"$2"* ]]; } # has STRING PART
show_proc_has() { show_proc | grep -q -- "$1"; }

# ------------------------------------------------------------------ tests

t_bad_input() {
	note "bad input: missing and broken configs, bad parameters"
	local missing=$STATE/no-such-dir/haproxy.cfg broken=$STATE/broken.cfg
	expect "5:$missing" "validate-all with a missing config file" validate-all \
		OCF_RESKEY_config="$missing"
	expect "5:$missing" "start with a missing config file" start OCF_RESKEY_config="$missing"
	expect 7 "probe with a missing config file" monitor OCF_RESKEY_config="$missing" \
		OCF_RESKEY_CRM_meta_interval=0
	expect 0 "stop with a missing config file" stop OCF_RESKEY_config="$missing"
	write_cfg 1 "    this_is_no_keyword 42"
	mv "$CFG" "$broken"
	expect "6:unknown keyword 'this_is_no_keyword'" "validate-all with a broken config" \
		validate-all OCF_RESKEY_config="$broken"
	expect "6:[$broken:" "start with a broken config: haproxy's first error line" start \
		OCF_RESKEY_config="$broken"
	check "nothing started with the broken config" test ! -e "$PIDFILE"
	write_cfg 1
	expect "6:backends" "validate-all with backends=be_app" validate-all OCF_RESKEY_backends=be_app
	expect "6:backends" "validate-all with backends=be_app:many" validate-all \
		OCF_RESKEY_backends=be_app:many
	expect "6:extra_options" "validate-all with extra_options=-D" validate-all \
		OCF_RESKEY_extra_options=-D
	expect "6:pid" "validate-all with a relative pid" validate-all OCF_RESKEY_pid=x.pid
	expect "5:/nonexistent/haproxy" "validate-all with a missing binary" validate-all \
		OCF_RESKEY_binary=/nonexistent/haproxy
	expect 3 "an unknown action" frobnicate
}

t_lifecycle() {
	note "start, monitor, start again"
	local m w
	expect 0 "validate-all with a valid config" validate-all
	expect 7 "probe before start" monitor OCF_RESKEY_CRM_meta_interval=0
	expect 0 "start" start
	check "start took less than 5 s (${ms} ms)" test "$ms" -lt 5000
	m=$(master_pid)
	check "the PID file names a live haproxy master ($m)" is_master "$m"
	w=$(workers_of "$m")
	check "the master has one worker ($w)" test "$(echo "$w" | wc -w)" = 1
	check "the stats socket is answered by that worker" test "$(stats_worker)" = "$w"
	check "requests pass through haproxy ($(get))" served 1
	expect 0 "monitor" monitor
	check "monitor took less than 100 ms (${ms} ms)" test "$ms" -lt 100
	expect 0 "probe" monitor OCF_RESKEY_CRM_meta_interval=0
	expect 0 "start when running" start
	check "start when running kept master $m" test "$(master_pid)" = "$m"
	expect_soon 0 "monitor with backends 'be_app:2 be_db:1'" OCF_RESKEY_backends="be_app:2 be_db:1"
}

t_backends() {
	note "backend minimums"
	stop_backend "$S2"
	expect_soon "1:backend be_app has 1 of 2 servers UP" "monitor when be_app:2 has one server" \
		OCF_RESKEY_backends="be_app:2 be_db:1"
	expect 0 "monitor with be_app:1 be_db:1" monitor OCF_RESKEY_backends="be_app:1 be_db:1"
	expect "6:be_nope" "monitor with an unknown backend" monitor OCF_RESKEY_backends="be_nope:1"
	stop_backend "$S3"
	expect_soon "1:backend be_db has 0 of 1 servers UP" "monitor reports every shortfall" \
		OCF_RESKEY_backends="be_app:2 be_db:1"
	check "the reason names be_app too" has "$(reason)" "be_app has 1 of 2"
	expect 0 "monitor without backends ignores them" monitor
	start_backend "$S2" s2
	start_backend "$S3" s3
	expect_soon 0 "monitor once the servers are back" OCF_RESKEY_backends="be_app:2 be_db:1"
}

t_reload() {
	note "seamless reload under load"
	local m old new gen gens out okn stop=$STATE/load.stop progress=$STATE/load.progress client
	m=$(master_pid)
	rm -f "$stop" "$progress"
	"$PY" "$HERE/client.py" load "$FE" "$stop" "$progress" 4 >"$STATE/load.out" 2>&1 &
	client=$!
	BG+=("$client")
	for _ in $(seq 1 50); do
		[ "$(cat "$progress" 2>/dev/null || echo 0)" -ge 50 ] && break
		sleep 0.1
	done
	for gen in 2 3 4; do
		old=$(stats_worker)
		write_cfg "$gen"
		if [ "$gen" = 3 ]; then
			expect 0 "reload-agent to generation $gen while clients run" reload-agent
		else
			expect 0 "reload to generation $gen while clients run" reload
		fi
		new=$(stats_worker)
		check "a new worker ($old -> $new) serves the stats socket" \
			test -n "$new" -a "$new" != "$old"
		sleep 0.3
	done
	sleep 0.3
	touch "$stop"
	wait "$client"
	bg_done "$client"
	out=$(head -n 1 "$STATE/load.out")
	note "client: $out (after $(cat "$progress") requests)"
	sed -n 's/^error: /#   /p' "$STATE/load.out"
	check "no request failed across the reloads ($out)" has "$out" " fail=0 "
	okn=${out#ok=}
	check "the client made at least 200 bounded requests" test "${okn%% *}" -ge 200
	gens=$(echo "$out" | sed -n 's/.*gens=//p')
	check "the client was served by every generation, 4 last ($gens)" \
		test "$(tr , '\n' <<<"$gens" | sort -u | tr '\n' ' ')" = "1 2 3 4 " -a "${gens##*,}" = 4
	check "the master stayed ($m)" test "$(master_pid)" = "$m"
	check "show proc counts 3 reloads, none failed" show_proc_has "master *3 \[failed: 0\]"
	check "requests now carry X-Gen 4" served 4
	expect 0 "monitor after the reloads" monitor OCF_RESKEY_backends="be_app:2 be_db:1"
}

t_failed_reload() {
	note "failed reloads keep the old worker"
	local w
	w=$(stats_worker)
	write_cfg 5 "    no_such_keyword on"
	expect "1:unknown keyword 'no_such_keyword'" "reload with a broken config fails" reload
	check "the old worker $w still serves" test "$(stats_worker)" = "$w"
	check "requests still pass (generation 4)" served 4
	expect "190:" "monitor with the broken config on disk: degraded, not failed" monitor
	expect "190:was refused" "the next monitor does not retry the same broken config" monitor
	check "the old worker $w still serves" test "$(stats_worker)" = "$w"

	# haproxy -c accepts this one; the master fails on the busy address.
	start_backend "$BUSY" busy
	write_cfg 5 "frontend fe_busy
    bind 127.0.0.1:$BUSY
    default_backend be_app"
	expect "1:run-time" "reload that fails at run time (address in use) is an error" reload
	check "the old worker $w still serves" test "$(stats_worker)" = "$w"
	check "requests still pass (generation 4)" served 4
	check "show proc counts the failed reload" show_proc_has "\[failed: 1\]"
	expect "190:" "monitor after the failed reload: degraded" monitor
	check "the old worker $w still serves after the monitor's own try" \
		test "$(stats_worker)" = "$w"
	expect "190:was refused" "the monitor tries that config only once" monitor
	check "show proc counts two failed reloads, no more" show_proc_has "\[failed: 2\]"
	stop_backend "$BUSY"

	write_cfg 5
	expect 0 "reload with the config fixed" reload
	check "requests carry X-Gen 5" served 5
	cp "$CFG" "$STATE/other.cfg"
	expect "1:needs a restart" "reload with a changed config path" reload \
		OCF_RESKEY_config="$STATE/other.cfg"
}

t_auto_reload() {
	note "an edited config is reloaded by the monitor"
	local m w
	m=$(master_pid)
	w=$(stats_worker)
	expect 0 "monitor with the config unchanged" monitor
	check "no reload without a change ($w)" test "$(stats_worker)" = "$w"
	write_cfg 6
	expect 0 "monitor after the config was edited" monitor
	check "a new worker serves ($w -> $(stats_worker))" test "$(stats_worker)" != "$w"
	check "the master stayed ($m)" test "$(master_pid)" = "$m"
	check "requests carry X-Gen 6" served 6
	w=$(stats_worker)
	expect 0 "the next monitor does not reload again" monitor
	check "still worker $w" test "$(stats_worker)" = "$w"
}

t_stats_socket() {
	note "stats socket lost while haproxy runs"
	mv "$STATS_SOCK" "$STATS_SOCK.away"
	expect "1:does not answer" "monitor without the stats socket is an error, not 'stopped'" monitor
	expect "1:does not answer" "probe without the stats socket is an error too" monitor \
		OCF_RESKEY_CRM_meta_interval=0
	mv "$STATS_SOCK.away" "$STATS_SOCK"
	expect 0 "monitor with the socket back" monitor
	expect "1:$STATE/nowhere.sock" "monitor with stats_socket pointing nowhere" monitor \
		OCF_RESKEY_stats_socket="$STATE/nowhere.sock"
}

t_graceful_stop() {
	note "stop lets a request in flight finish"
	local m w slow
	m=$(master_pid)
	w=$(workers_of "$m")
	"$PY" "$HERE/client.py" get "$FE" "/slow?ms=2500" >"$STATE/slow.out" 2>&1 &
	slow=$!
	BG+=("$slow")
	sleep 0.5
	expect 0 "stop" stop
	check "stop waited for the request in flight (${ms} ms)" test "$ms" -ge 1500 -a "$ms" -lt 10000
	wait "$slow"
	bg_done "$slow"
	check "the request in flight succeeded ($(cat "$STATE/slow.out"))" \
		grep -q '^200 6 backend' "$STATE/slow.out"
	check "master $m is gone" dead "$m"
	check "worker $w is gone" dead "$w"
	check "the PID file is removed" test ! -e "$PIDFILE"
	check "the frontend port is closed" port_closed "$FE"
	expect 7 "monitor after stop" monitor
	expect 0 "stop when stopped" stop
}

t_forced_stop() {
	note "stop within its timeout: a request that never ends is cut"
	local m slow
	expect 0 "start" start
	m=$(master_pid)
	"$PY" "$HERE/client.py" get "$FE" "/slow?ms=30000" 60 >"$STATE/slow.out" 2>&1 &
	slow=$!
	BG+=("$slow")
	sleep 0.5
	expect 0 "stop with an 8 s timeout" stop OCF_RESKEY_CRM_meta_timeout=8000
	check "stop ended within the timeout (${ms} ms)" test "$ms" -lt 8000
	check "master $m is gone" dead "$m"
	check "the agent escalated to a hard stop" grep -q "hard stop (SIGTERM)" "$STATE/agent.log"
	kill "$slow" 2>/dev/null
	wait "$slow" 2>/dev/null
	bg_done "$slow"
	expect 7 "monitor after the forced stop" monitor
}

t_stale() {
	note "stale PID files and a killed master"
	local sleeper m w
	sleep 300 &
	sleeper=$!
	BG+=("$sleeper")
	echo "$sleeper" >"$PIDFILE"
	expect 7 "probe with a PID file naming another program" monitor OCF_RESKEY_CRM_meta_interval=0
	expect 0 "stop with that PID file" stop
	check "stop left the other program ($sleeper) alone" pid_alive "$sleeper"
	echo "$sleeper" >"$PIDFILE"
	expect 0 "start over a stale PID file" start
	m=$(master_pid)
	check "a new master ($m) replaced the stale PID" test -n "$m" -a "$m" != "$sleeper"
	kill "$sleeper"
	wait "$sleeper" 2>/dev/null
	bg_done "$sleeper"

	w=$(workers_of "$m")
	kill -KILL "$m"
	sleep 0.5
	expect 7 "monitor after the master was killed" monitor
	check "its worker ($w) went with it" dead "$w"
	expect 0 "start after the master was killed" start
	expect 0 "monitor" monitor
	expect 0 "stop" stop
}

t_ocf_tester() {
	note "ocf-tester"
	local cfg=$STATE/tester.cfg trc=0 m
	sed -e "s|bind 127.0.0.1:$FE|bind 127.0.0.1:$TESTER_FE|" \
		-e "s|$STATS_SOCK|$STATE/tester.sock|" "$CFG" >"$cfg"
	chmod 644 "$cfg"
	HA_RSCTMP=$STATE/rsctmp HA_LOGFACILITY=none HA_LOGFILE=$STATE/tester-agent.log \
		timeout -k 5 300 ocf-tester -v -n lbt-haproxy-tester -o config="$cfg" "$AGENT" \
		>"$STATE/ocf-tester.out" 2>&1 || trc=$?
	grep -E '^\* |passed all tests|^Tests failed|^Aborting' "$STATE/ocf-tester.out" | sed 's/^/#   /'
	check "ocf-tester exits 0 (exit $trc)" test "$trc" = 0
	check "ocf-tester: the agent passed all tests" grep -q "passed all tests" "$STATE/ocf-tester.out"
	m=$(tr -dc 0-9 2>/dev/null <"$STATE/rsctmp/lifeboat-haproxy-lbt-haproxy-tester.pid")
	check "nothing left running after ocf-tester" none_or_dead "$m"
	check "the tester frontend port is closed" port_closed "$TESTER_FE"
	[ "$trc" = 0 ] || tail -n 30 "$STATE/ocf-tester.out" | sed 's/^/#     | /'
}

# ------------------------------------------------------------------ main

echo "# agent: $AGENT"
echo "# haproxy: $("$HAPROXY" -v | head -n 1)"
echo "# state: $STATE"
for p in $FE $S1 $S2 $S3 $BUSY $TESTER_FE; do
	if ! port_closed "$p"; then
		echo "Bail out! port $p is in use (another copy of this suite?)"
		failed=1
		exit 1
	fi
done
if ! start_backend "$S1" s1 || ! start_backend "$S2" s2 || ! start_backend "$S3" s3; then
	echo "Bail out! backends did not start"
	failed=1
	exit 1
fi
t0=$SECONDS
t_bad_input
write_cfg 1
t_lifecycle
t_backends
t_reload
t_failed_reload
t_auto_reload
t_stats_socket
t_graceful_stop
t_forced_stop
t_stale
t_ocf_tester
echo "# total $((SECONDS - t0)) s"
echo "1..$n"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
