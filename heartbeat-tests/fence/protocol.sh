#!/bin/bash
# shellcheck disable=SC2317 # the test helpers are called through "ok"
# protocol.sh - fence_compute against the fence-agents protocol, without Nova.
#
# Checks what needs no OpenStack: metadata (fence-agents' metadata.rng, the
# Python agent's parameter list, pcs and Pacemaker reading it), the drop-in
# `pcs stonith create` line, both option spellings on stdin and on the command
# line (seen arriving at a stand-in Keystone, fake-keystone.py), bad input
# (garbage, missing credentials, a refused login, an unreachable Keystone, an
# unknown action) and that the password shows up in no argv, child
# environment or log. Output is TAP, ending with "N passed, M failed".
#
# Usage: heartbeat-tests/fence/protocol.sh
#   FENCE_COMPUTE=path  the agent (default $top_builddir/fence/fence_compute)
#   LB_KEEP=1           keep the work directory
set -u
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
here=$(cd "$(dirname "$0")" && pwd)
agent=${FENCE_COMPUTE:-${top_builddir:-.}/fence/fence_compute}
if [ ! -x "$agent" ]; then
	echo "Bail out! $agent not built (make fence/fence_compute)"
	exit 99
fi
agent=$(readlink -f "$agent")
rng=/usr/share/cluster/relaxng/metadata.rng
py=/usr/sbin/fence_compute
work=$(mktemp -d /tmp/lb-fence-proto.XXXXXX)
pids=()
pass=0 fail=0 num=0

log() { printf '# %s\n' "$*"; }
# shellcheck source=heartbeat-tests/lib/tap.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/tap.sh"
skip() { num=$((num + 1)) pass=$((pass + 1)); echo "ok $num - $1 # SKIP $2"; }
cleanup() {
	local p
	for p in "${pids[@]}"; do
		kill "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	if [ "${LB_KEEP:-0}" = 1 ] || [ "$fail" != 0 ]; then
		echo "# work directory kept: $work" >&2
	else
		rm -rf "$work"
	fi
}
finish() {
	echo "1..$num"
	echo "$pass passed, $fail failed"
	cleanup
	[ "$fail" = 0 ] && [ "$num" -gt 0 ]
	exit $?
}
trap finish EXIT
trap 'exit 1' INT TERM

# run NAME [ARGS...] <stdin : the agent, with stdout, stderr, rc and time (ms) in $work/NAME.*
run() {
	local name=$1 t0 rc
	shift
	t0=$(date +%s%N)
	"$agent" "$@" >"$work/$name.out" 2>"$work/$name.err"
	rc=$?
	echo "$rc" >"$work/$name.rc"
	echo $((($(date +%s%N) - t0) / 1000000)) >"$work/$name.ms"
	return 0
}
rc_is() { # rc_is NAME CODE
	local got
	got=$(cat "$work/$1.rc")
	[ "$got" = "$2" ] && return 0
	log "$1: exit $got, expected $2; stderr:"
	sed 's/^/#   /' "$work/$1.err"
	return 1
}
err_has() { grep -qF -- "$2" "$work/$1.err" || { log "$1: stderr lacks '$2'"; sed 's/^/#   /' "$work/$1.err"; return 1; }; }
faster_than() { [ "$(cat "$work/$1.ms")" -lt "$2" ] || { log "$1 took $(cat "$work/$1.ms") ms"; return 1; }; }

# A stand-in Keystone: start_keystone NAME MODE -> port in $ks_port, requests in $work/NAME.rec
start_keystone() {
	local name=$1 mode=$2
	rm -f "$work/$name.port" "$work/$name.rec"
	python3 "$here/fake-keystone.py" "$work/$name.port" "$work/$name.rec" "$mode" &
	pids+=($!)
	for _ in $(seq 100); do
		[ -s "$work/$name.port" ] && break
		sleep 0.05
	done
	ks_port=$(cat "$work/$name.port" 2>/dev/null)
	[ -n "$ks_port" ]
}
# The last login the stand-in saw, as "user|user_domain|project|project_domain|password".
last_login() {
	tail -n 1 "$work/$1.rec" 2>/dev/null | python3 -c '
import json, sys
b = json.loads(json.loads(sys.stdin.read())["body"])["auth"]
u = b["identity"]["password"]["user"]
p = b.get("scope", {}).get("project", {})
print("|".join([u["name"], u["domain"]["name"], p.get("name", ""), p.get("domain", {}).get("name", ""), u["password"]]))'
}
login_is() { # login_is RECNAME EXPECTED
	local got
	got=$(last_login "$1")
	[ "$got" = "$2" ] && return 0
	log "Keystone saw '$got', expected '$2'"
	return 1
}

# ---------------------------------------------------------------- metadata
run meta -o metadata
ok "-o metadata exits 0" rc_is meta 0
if [ -r "$rng" ] && command -v xmllint >/dev/null; then
	ok "metadata validates against fence-agents' metadata.rng" \
		xmllint --noout --relaxng "$rng" "$work/meta.out"
else
	skip "metadata validates against metadata.rng" "fence-agents or xmllint missing"
fi
printf 'action=metadata\n' | run meta-stdin
ok "action=metadata on stdin prints the same" cmp -s "$work/meta.out" "$work/meta-stdin.out"
run meta-ocf --action=meta-data
ok "--action=meta-data (OCF spelling) prints the same" cmp -s "$work/meta.out" "$work/meta-ocf.out"
params() { grep -o '<parameter name="[^"]*"[^>]*>' "$1" | sed 's/  */ /g' | sort; }
if head -1 "$py" 2>/dev/null | grep -q python; then
	"$py" -o metadata >"$work/py-meta.out" 2>/dev/null
	# ours = the Python agent's parameters, plus the dashed spellings as deprecated ones
	params "$work/py-meta.out" >"$work/py-params"
	for d in auth-url endpoint-type region-name tenant-name instance-filtering \
		no-shared-storage record-only; do
		u=${d//-/_}
		sed -i "s/name=\"$u\" unique=\"0\" required=\"0\">/& obsoletes=\"$d\">/; s/\"> obsoletes=/\" obsoletes=/" "$work/py-params"
		echo "<parameter name=\"$d\" unique=\"0\" required=\"0\" deprecated=\"1\">" >>"$work/py-params"
	done
	sort -o "$work/py-params" "$work/py-params"
	params "$work/meta.out" >"$work/lb-params"
	ok "parameters are the Python agent's (+ dashed spellings as deprecated)" \
		diff -u "$work/py-params" "$work/lb-params"
	ok "actions are the Python agent's" diff -u <(grep '<action ' "$work/py-meta.out" | tr -s ' ') \
		<(grep '<action ' "$work/meta.out" | tr -s ' ')
else
	skip "parameters are the Python agent's" "no Python fence_compute in $py"
	skip "actions are the Python agent's" "no Python fence_compute in $py"
fi

# pcs and Pacemaker run /usr/sbin/fence_compute: bind ours over it in a private mount namespace.
# shellcheck disable=SC2016 # expanded by the inner sh
with_agent() { unshare --mount --propagation private -- sh -c 'mount --bind "$1" /usr/sbin/fence_compute && shift && exec "$@"' sh "$agent" "$@"; }
if [ "$(id -u)" = 0 ] && [ -e /usr/sbin/fence_compute ] && command -v pcs >/dev/null &&
	with_agent true 2>/dev/null; then
	with_agent pcs stonith describe fence_compute >"$work/describe.out" 2>&1
	ok "pcs stonith describe fence_compute reads our metadata" \
		grep -q "auth_url: Keystone Admin Auth URL" "$work/describe.out"
	cibadmin --empty >"$work/cib.xml"
	with_agent pcs -f "$work/cib.xml" stonith create fence-nova fence_compute \
		auth-url=http://keystone.example:5000/v3 login=admin passwd=secret tenant-name=admin \
		record-only=1 >"$work/create.out" 2>&1
	ok "the drop-in 'pcs stonith create fence-nova fence_compute auth-url=... record-only=1' works" \
		grep -q 'name="record-only" value="1"' "$work/cib.xml"
	ok "Pacemaker reads the metadata (crm_resource --show-metadata)" sh -c \
		"$(declare -f with_agent); agent='$agent'; with_agent crm_resource --show-metadata stonith:fence_compute | grep -q 'name=\"tenant_name\"'"
	ok "stonith_admin --validate passes the drop-in options on stdin" sh -c \
		"$(declare -f with_agent); agent='$agent'; with_agent stonith_admin --validate --agent fence_compute -o auth-url=http://k:5000/v3 -o login=admin -o passwd=secret -o tenant-name=admin -o record-only=1 >/dev/null"
	ok "stonith_admin --validate fails without credentials" \
		sh -c "! { $(declare -f with_agent); agent='$agent'; with_agent stonith_admin --validate --agent fence_compute -o record-only=1; } >/dev/null 2>&1"
else
	for t in "pcs stonith describe" "pcs stonith create drop-in line" "crm_resource --show-metadata" \
		"stonith_admin --validate" "stonith_admin --validate without credentials"; do
		skip "$t" "needs root, pcs and a mount namespace"
	done
fi

# ---------------------------------------------------------------- option spellings
start_keystone ks reject || { echo "Bail out! fake Keystone did not start"; exit 1; }
url=http://127.0.0.1:$ks_port/v3
want="admin|UDom|demo|PDom|s3cret"
printf 'action=status\nport=c1\nauth_url=%s\nusername=admin\npassword=s3cret\ntenant_name=demo\nproject_domain=PDom\nuser_domain=UDom\n' "$url" |
	run sp1
ok "stdin auth_url/username/password/tenant_name/project_domain/user_domain reach Keystone" login_is ks "$want"
printf 'action=status\nplug=c1\nauth-url=%s\nlogin=admin\npasswd=s3cret\ntenant-name=demo\nproject-domain=PDom\nuser-domain=UDom\n' "$url" |
	run sp2
ok "stdin auth-url/login/passwd/tenant-name/project-domain/user-domain reach Keystone" login_is ks "$want"
printf 'action=status\nnodename=c1\nauth_url="%s"\nlogin="admin"\npasswd_script=/bin/echo s3cret\ntenant_name=demo\nproject-domain=PDom\nuser_domain=UDom\n' "$url" |
	run sp3
ok "stdin passwd_script, quoted values and nodename reach Keystone" login_is ks "$want"
run sp4 -o status -n c1 -k "$url" -l admin -p s3cret -t demo -P PDom -u UDom
ok "argv -o -n -k -l -p -t -P -u reach Keystone" login_is ks "$want"
run sp5 --action=status --plug=c1 --auth-url="$url" --username=admin --password=s3cret \
	--tenant-name=demo --project-domain=PDom --user-domain=UDom
ok "argv --auth-url --username --password --tenant-name ... reach Keystone" login_is ks "$want"
run sp6 --action status --port c1 --auth_url "$url" --login admin --password-script "/bin/echo s3cret" \
	--tenant_name demo --project_domain PDom --user_domain UDom
ok "argv --auth_url --login --password-script --tenant_name ... reach Keystone" login_is ks "$want"
run sp7 -o status -n c1 -k "$url" -l admin -S "/bin/echo s3cret" -t demo -P PDom -u UDom
ok "argv -S (password script) reaches Keystone" login_is ks "$want"
printf 'action=status\nport=c1\nauth_url=%s\nlogin=admin\npasswd=s3cret\n' "$url" | run defaults
ok "user and project domains default to Default, no project scope without tenant_name" \
	login_is ks "admin|Default|||s3cret"

# ---------------------------------------------------------------- bad input
ok "a refused login exits 1" rc_is sp1 1
ok "... with Keystone's own message" err_has sp1 "The request you have made requires authentication"
ok "... and fencing.py's 'Unable to connect/login'" err_has sp1 "Unable to connect/login to fencing device"
head -c 65536 /dev/urandom | run garbage
ok "64 KiB of random bytes on stdin: exit 1, not a crash" rc_is garbage 1
ok "... with the reason (no plug)" err_has garbage "You have to enter plug number"
printf 'action=status\nport=c1\n\x00\x01\xff=\xfe\nauth_url=x\n%0100000d\n' 0 | run garbage2
ok "NUL bytes, binary names and a 100 kB line: exit 1" rc_is garbage2 1
run empty </dev/null
ok "empty stdin: exit 1" rc_is empty 1
printf 'action=status\nport=c1\n' | run nocreds
ok "missing credentials: exit 1" rc_is nocreds 1
ok "... naming auth_url" err_has nocreds "You have to enter the Keystone URL (auth_url)"
ok "... naming the login" err_has nocreds "You have to set login name"
ok "... naming the password" err_has nocreds "You have to enter password or password script"
printf 'action=status\nport=c1\nauth_url=ftp://x/\nlogin=a\npasswd=b\nendpoint_type=sideURL\n' | run badopts
ok "a non-HTTP auth_url and a bad endpoint_type: exit 1" rc_is badopts 1
ok "... naming endpoint_type" err_has badopts "endpoint_type must be"
closed=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
printf 'action=status\nport=c1\nauth_url=http://127.0.0.1:%s/v3\nlogin=a\npasswd=b\n' "$closed" | run unreach
ok "unreachable Keystone (closed port): exit 1" rc_is unreach 1
ok "... saying so" err_has unreach "cannot reach Keystone at http://127.0.0.1:$closed/v3/auth/tokens"
ok "... within 5 s" faster_than unreach 5000
printf 'action=monitor\nauth_url=http://127.0.0.1:%s\nlogin=a\npasswd=b\n' "$closed" | run unreach-mon
ok "monitor with Keystone unreachable: exit 1" rc_is unreach-mon 1
printf 'action=explode\nport=c1\n' | run badaction
ok "an unknown action: exit 1" rc_is badaction 1
ok "... Unrecognised action" err_has badaction "Failed: Unrecognised action 'explode'"
run badarg --frobnicate
ok "an unknown command-line option: exit 1 with a parse error" err_has badarg "Parse error: option --frobnicate not recognized"
printf 'action=off\nport=c1\nauth_url=http://127.0.0.1:%s\nlogin=a\npasswd=b\nrecord_only=Disabled\n' "$closed" |
	run disabled
ok "record_only=Disabled: exit 0 without contacting Keystone" rc_is disabled 0

# ---------------------------------------------------------------- the password stays secret
secret=Pw-$$-$RANDOM-zz
start_keystone stall stall || { echo "Bail out! fake Keystone did not start"; exit 1; }
"$agent" -o status -n c1 -k "http://127.0.0.1:$ks_port/v3" -l admin -p "$secret" >/dev/null 2>&1 &
apid=$!
pids+=("$apid")
for _ in $(seq 100); do [ -s "$work/stall.rec" ] && break; sleep 0.05; done
ok "a password given with -p is gone from /proc/PID/cmdline once read" \
	sh -c "[ -s '$work/stall.rec' ] && ! tr '\0' ' ' </proc/$apid/cmdline | grep -qF -- '$secret'"
ok "... and is not in the agent's environment" sh -c "! tr '\0' '\n' </proc/$apid/environ | grep -qF -- '$secret'"
kill "$apid" 2>/dev/null
wait "$apid" 2>/dev/null

cat >"$work/pwscript" <<EOF
#!/bin/sh
{ cat /proc/\$\$/environ | tr '\0' '\n'; echo "ARGS: \$*"; } >"$work/pwscript.seen"
echo from-script
EOF
chmod +x "$work/pwscript"
printf 'action=status\nport=c1\nauth_url=http://127.0.0.1:%s/v3\nlogin=admin\npasswd=%s\npassword_script=%s arg1\n' \
	"$(cat "$work/ks.port")" "$secret" "$work/pwscript" | run pwchild
ok "password_script ran with its arguments (no shell)" grep -q "^ARGS: arg1$" "$work/pwscript.seen"
ok "... its output is the password" login_is ks "admin|Default|||from-script"
ok "... and the configured password is not in its environment or argv" \
	sh -c "! grep -qF -- '$secret' '$work/pwscript.seen'"

printf 'action=status\nport=c1\nauth_url=http://127.0.0.1:%s/v3\nlogin=admin\npasswd=%s\nverbose=1\ndebug_file=%s\n' \
	"$(cat "$work/ks.port")" "$secret" "$work/debug.log" |
	HA_debug=1 HA_LOGFILE="$work/ha.log" HA_DEBUGLOG="$work/ha-debug.log" run logs
ok "verbose run wrote its logs" sh -c "[ -s '$work/debug.log' ] && [ -s '$work/logs.err' ]"
ok "no password in stderr, stdout, debug_file, HA_LOGFILE or HA_DEBUGLOG" \
	sh -c "! cat '$work/logs.err' '$work/logs.out' '$work/debug.log' '$work'/ha*.log 2>/dev/null | grep -qF -- '$secret'"
ok "no password in any output of this whole suite" \
	sh -c "! cat '$work'/*.err '$work'/*.out 2>/dev/null | grep -qF -- '$secret'"

# ---------------------------------------------------------------- memory and latency
if ldd "$agent" | grep -q libasan; then
	skip "valgrind: metadata, garbage, refused login, missing credentials" "ASan build"
elif command -v valgrind >/dev/null; then
	vg() { valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite "$@"; }
	vgok() { # vgok STDIN ARGS... : exit code other than valgrind's 99
		local input=$1 rc
		shift
		printf '%b' "$input" | vg "$agent" "$@" >/dev/null 2>"$work/vg.err"
		rc=$?
		[ "$rc" != 99 ] || { sed 's/^/#   /' "$work/vg.err"; return 1; }
	}
	ok "valgrind: metadata, garbage, refused login, missing credentials are clean" sh -c "
		$(declare -f vg vgok); agent='$agent'; work='$work'
		vgok '' -o metadata && vgok 'zz\\x01\\nport\\n=\\n' &&
		vgok 'action=status\\nport=c1\\nauth_url=$url\\nlogin=a\\npasswd=b\\n' &&
		vgok 'action=list\\n' && vgok '' -o status -n c1 -k '$url' -l a -p b"
else
	skip "valgrind" "not installed"
fi
ms() { # median wall time of N runs of a command, in ms
	python3 - "$@" <<'EOF'
import subprocess, sys, time
n, cmd = int(sys.argv[1]), sys.argv[2:]
t = []
for _ in range(n):
    s = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    t.append((time.perf_counter() - s) * 1000)
print(int(sorted(t)[n // 2]))
EOF
}
lb_ms=$(ms 21 "$agent" -o metadata)
log "metadata: lifeboat ${lb_ms} ms (median of 21)"
if head -1 "$py" 2>/dev/null | grep -q python; then
	log "metadata: Python fence_compute $(ms 5 "$py" -o metadata) ms (median of 5)"
fi
if ldd "$agent" | grep -q libasan; then
	skip "metadata takes under 100 ms" "ASan build"
else
	ok "metadata takes under 100 ms" [ "$lb_ms" -lt 100 ]
fi
