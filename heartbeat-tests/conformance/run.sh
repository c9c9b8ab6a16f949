#!/bin/sh
# lifeboat conformance suite: every agent binary under $top_builddir/agents/ is
# held to the OCF contract Pacemaker relies on.
#
#  (a) meta-data: valid against ra-api-1.dtd, OCF version 1.1, named after the
#      binary, and every parameter of the peer ocf:heartbeat:<same name> (when
#      installed) present with the same content type;
#  (b) bad input: empty environment, missing required parameters, invalid
#      booleans and integers, unknown actions, wrong argument counts, garbage
#      and huge values. Each case must give the expected OCF code, an
#      ocf-exit-reason: line whenever it returns an error, and must neither
#      crash (exit >= 128, sanitizer report) nor hang (20 s).
#
# Agent-specific cases live in <agent>.sh next to this script (sourced, with
# the helpers below). Run by "make check" (top_builddir and top_srcdir come
# from automake) or by hand:
#   top_builddir=build sh heartbeat-tests/conformance/run.sh
# Output is TAP ("ok N - ..."), ending with "N passed, N failed".

set -u

here=$(cd "$(dirname "$0")" && pwd)
top_srcdir=${top_srcdir:-$(cd "$here/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
RA_DTD=${RA_DTD:-/usr/share/resource-agents/ra-api-1.dtd}
PEER_ROOT=${PEER_ROOT:-/usr/lib/ocf}
CASE_TIMEOUT=${CASE_TIMEOUT:-20}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/lb-conformance.XXXXXX") || exit 1
blackhole_pid=
trap 'rm -rf "$tmp"; [ -z "$blackhole_pid" ] || kill "$blackhole_pid" 2>/dev/null' EXIT
trap 'exit 1' HUP INT TERM

n=0
passed=0
failed=0

ok() {
	n=$((n + 1))
	passed=$((passed + 1))
	echo "ok $n - $1"
}

not_ok() {
	n=$((n + 1))
	failed=$((failed + 1))
	echo "not ok $n - $1"
	[ -z "${2:-}" ] || printf '%s\n' "$2" | sed 's/^/#   /'
}

diag() {
	printf '%s\n' "$*" | sed 's/^/# /'
}

# A string of $1 copies of $2 (fast: doubling).
# blackhole_start: sets $blackhole_url to a local server that accepts
# connections and never answers (a hung Keystone), started once per run.
# Loopback only: the tests never send anything off this machine.
blackhole_start() {
	[ -z "$blackhole_pid" ] || return 0
	python3 -c 'import socket, sys
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(64)
print(s.getsockname()[1], flush=True)
conns = []
while True:
    conns.append(s.accept()[0])' >"$tmp/blackhole.port" &
	blackhole_pid=$!
	i=0
	while [ ! -s "$tmp/blackhole.port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	blackhole_url="http://127.0.0.1:$(cat "$tmp/blackhole.port")/v3"
}

repeat() {
	r=$2
	while [ ${#r} -lt "$1" ]; do
		r=$r$r
	done
	printf '%.*s' "$1" "$r"
}

# A printable label of at most $2 characters for value $1.
label() {
	printf '%s' "$1" | tr -c '[:print:]' '?' | cut -c "1-$2"
}

huge=$(repeat 102400 x)
nonutf8=$(printf 'bad\377\376\300\200value')

# Sanitizer settings of the caller (an --enable-sanitizers build) pass through
# even "env -i", so a report is printed (and caught below) rather than lost.
san_env=""
for v in ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS; do
	eval "val=\${$v:-}"
	# shellcheck disable=SC2154 # val is set by the eval above
	[ -z "$val" ] || san_env="$san_env$v=$val
"
done

# ----------------------------------------------------------------- running

# run WITHOUT [VAR=VALUE...] -- [ARG...]
# Run the current $agent under "env -i" with the lines of $baseline (minus the
# variable named WITHOUT; "-" keeps all, "ALL" drops the baseline), then the
# given assignments (later ones win), then ARGs. Sets rc; output in
# $tmp/out and $tmp/err.
run() {
	without=$1
	shift
	nargs=$#
	if [ "$without" != ALL ]; then
		while IFS= read -r line; do
			[ -n "$line" ] || continue
			case $line in "$without"=*) continue ;; esac
			set -- "$@" "$line"
		done <<EOF
$baseline
EOF
	fi
	while IFS= read -r line; do
		[ -z "$line" ] || set -- "$@" "$line"
	done <<EOF
$san_env
EOF
	# Move the caller's arguments behind the baseline; the agent replaces "--".
	i=0
	while [ $i -lt $nargs ]; do
		a=$1
		shift
		if [ "$a" = -- ]; then
			set -- "$@" "$agent"
		else
			set -- "$@" "$a"
		fi
		i=$((i + 1))
	done
	# Baseline lines (now first) and the caller's assignments are the environment.
	timeout -k 5 "$CASE_TIMEOUT" env -i "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
	rc=$?
}

# The first ocf-exit-reason line of the last run, without its prefix.
reason() {
	sed -n 's/^ocf-exit-reason://p' "$tmp/err" | head -n 1
}

is_ocf_code() {
	case $1 in
	[0-9] | 190 | 191) return 0 ;;
	*) return 1 ;;
	esac
}

# judge DESC EXPECT: EXPECT is "any" or codes like "6" or "0|7", optionally
# followed by ":WORD" that the exit reason must contain.
judge() {
	desc=$1
	want=${2%%:*}
	word=""
	case $2 in *:*) word=${2#*:} ;; esac
	why=""
	if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
		why="hung: no answer within ${CASE_TIMEOUT}s"
	elif grep -Eq 'AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|runtime error:' "$tmp/err"; then
		why="sanitizer report: $(grep -E -m 3 'Sanitizer|runtime error' "$tmp/err")"
	elif [ $rc -ge 128 ]; then
		why="crashed: exit $rc (signal $((rc - 128)))"
	elif ! is_ocf_code $rc; then
		why="exit $rc is not an OCF exit code"
	elif [ "$want" != any ] && ! printf '|%s|' "$want" | grep -q "|$rc|"; then
		why="exit $rc ($(ocf_name $rc)), expected $want"
	elif [ $rc -ne 0 ] && [ $rc -ne 7 ] && ! grep -q '^ocf-exit-reason:.' "$tmp/err"; then
		why="exit $rc ($(ocf_name $rc)) without an ocf-exit-reason line"
	elif [ -n "$word" ] && ! reason | grep -qF -- "$word"; then
		why="exit reason does not mention '$word'"
	fi
	if [ -z "$why" ]; then
		ok "$desc (exit $rc)"
	else
		r=$(reason | cut -c 1-200)
		not_ok "$desc" "$why
reason: ${r:-(none)}
stderr: $(grep -v '^ocf-exit-reason:' "$tmp/err" | head -n 3 | cut -c 1-200)"
	fi
}

ocf_name() {
	case $1 in
	0) echo success ;; 1) echo generic error ;; 2) echo invalid arguments ;;
	3) echo unimplemented ;; 4) echo insufficient privileges ;; 5) echo not installed ;;
	6) echo not configured ;; 7) echo not running ;; 8) echo running promoted ;;
	9) echo failed promoted ;; 190) echo degraded ;; 191) echo degraded promoted ;;
	*) echo unknown ;;
	esac
}

# expect EXPECT DESC WITHOUT [VAR=VALUE...] -- [ARG...]: run a case and judge it.
expect() {
	e=$1
	d=$2
	shift 2
	run "$@"
	judge "$agent_name: $d" "$e"
}

# ----------------------------------------------------------------- metadata

xpath() {
	xmllint --xpath "$1" "$2" 2>/dev/null
}

# Parameters of meta-data file $1, one "name type required" line each.
param_table() {
	count=$(xpath 'count(/resource-agent/parameters/parameter)' "$1")
	i=1
	while [ "$i" -le "${count:-0}" ]; do
		p="/resource-agent/parameters/parameter[$i]"
		printf '%s %s %s\n' "$(xpath "string($p/@name)" "$1")" \
			"$(xpath "string($p/content/@type)" "$1")" "$(xpath "string($p/@required)" "$1")"
		i=$((i + 1))
	done
}

check_metadata() {
	meta=$tmp/$agent_name.meta.xml
	run ALL -- meta-data
	cp "$tmp/out" "$meta"
	judge "$agent_name: meta-data with an empty environment" 0
	if xmllint --noout --dtdvalid "$RA_DTD" "$meta" >"$tmp/lint" 2>&1; then
		ok "$agent_name: meta-data validates against $(basename "$RA_DTD")"
	else
		not_ok "$agent_name: meta-data validates against $(basename "$RA_DTD")" \
			"$(head -n 5 "$tmp/lint")"
	fi
	v=$(xpath 'string(/resource-agent/version)' "$meta")
	if [ "$v" = 1.1 ]; then
		ok "$agent_name: meta-data declares OCF version 1.1"
	else
		not_ok "$agent_name: meta-data declares OCF version 1.1" "found <version>$v</version>"
	fi
	v=$(xpath 'string(/resource-agent/@name)' "$meta")
	if [ "$v" = "$agent_name" ]; then
		ok "$agent_name: meta-data is named after the binary"
	else
		not_ok "$agent_name: meta-data is named after the binary" "name=\"$v\""
	fi
	param_table "$meta" >"$tmp/params"
	check_peer
}

# Every parameter of ocf:heartbeat:<name> must exist here with the same type.
check_peer() {
	peer=$PEER_ROOT/resource.d/heartbeat/$agent_name
	if [ ! -x "$peer" ]; then
		diag "$agent_name: no peer agent $peer; parameter comparison skipped"
		return
	fi
	peer_meta=$tmp/$agent_name.peer.xml
	if ! env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin OCF_ROOT="$PEER_ROOT" \
		timeout 20 "$peer" meta-data >"$peer_meta" 2>/dev/null ||
		! xmllint --noout "$peer_meta" 2>/dev/null; then
		not_ok "$agent_name: peer $peer prints its meta-data"
		return
	fi
	param_table "$peer_meta" >"$tmp/peer-params"
	while read -r pname ptype _; do
		mine=$(awk -v n="$pname" '$1 == n { print $2 }' "$tmp/params")
		if [ -z "$mine" ]; then
			not_ok "$agent_name: peer parameter $pname ($ptype) is present" "missing"
		elif [ "$mine" != "$ptype" ]; then
			not_ok "$agent_name: peer parameter $pname has content type $ptype" "ours: $mine"
		else
			ok "$agent_name: peer parameter $pname present, content type $ptype"
		fi
	done <"$tmp/peer-params"
}

# ----------------------------------------------------------------- bad input

# Names of the parameters of the given type (or "required").
params_of() {
	case $1 in
	required) awk '$3 == 1 { print $1 }' "$tmp/params" ;;
	*) awk -v t="$1" '$2 == t { print $1 }' "$tmp/params" ;;
	esac
}

# Actions advertised in the meta-data, once each.
actions_of() {
	count=$(xpath 'count(/resource-agent/actions/action)' "$meta")
	i=1
	while [ "$i" -le "${count:-0}" ]; do
		xpath "string(/resource-agent/actions/action[$i]/@name)" "$meta"
		echo
		i=$((i + 1))
	done | awk 'NF && !seen[$0]++'
}

check_arguments() {
	expect 2 "no action" ALL --
	expect 2 "too many arguments" ALL -- monitor extra
	expect 2 "empty action" ALL -- ""
	expect 3 "unknown action" ALL -- frobnicate
	expect 3 "unknown action with a valid configuration" - -- frobnicate
	expect 0 "usage" ALL -- usage
}

# Every advertised action with an empty environment: not configured when the
# agent has required parameters, never "unimplemented". As resource-agents'
# handle_invalid_env allows, stop may instead succeed and status/monitor say
# "not running" (nothing of the resource can be running), and a notify may be
# ignored.
check_empty_env() {
	required=$(params_of required)
	for act in $(actions_of); do
		case $act in meta-data | usage) continue ;; esac
		if [ -n "$required" ]; then
			case $act in
			stop | notify) want="6|0" ;;
			status | monitor) want="6|7" ;;
			*) want=6 ;;
			esac
			expect "$want" "$act with an empty environment" ALL -- "$act"
		else
			expect "0|1|2|4|5|6|7|8|9|190|191" "$act with an empty environment" ALL -- "$act"
		fi
	done
}

check_required() {
	for p in $(params_of required); do
		expect "6:$p" "validate-all without required $p" "OCF_RESKEY_$p" -- validate-all
		expect "6:$p" "start without required $p" "OCF_RESKEY_$p" -- start
	done
}

check_types() {
	for p in $(params_of boolean); do
		for v in maybe 2 yess "$nonutf8"; do
			expect "6:$p" "validate-all with boolean $p='$(label "$v" 12)'" - \
				"OCF_RESKEY_$p=$v" -- validate-all
		done
		expect "6:$p" "start with boolean $p=maybe" - "OCF_RESKEY_$p=maybe" -- start
	done
	for p in $(params_of integer); do
		for v in junk 1.5 12abc 99999999999999999999999 "$nonutf8"; do
			expect "6:$p" "validate-all with integer $p='$(label "$v" 24)'" - \
				"OCF_RESKEY_$p=$v" -- validate-all
		done
		expect "6:$p" "start with integer $p=junk" - "OCF_RESKEY_$p=junk" -- start
	done
}

# Garbage in every parameter, for the read-only actions: any OCF answer, but
# no crash, no hang, and a reason with every error.
check_garbage() {
	for p in $(params_of string) $(params_of boolean) $(params_of integer); do
		for act in validate-all monitor; do
			expect any "$act with a 100 KB $p" - "OCF_RESKEY_$p=$huge" -- "$act"
			expect any "$act with non-UTF-8 $p" - "OCF_RESKEY_$p=$nonutf8" -- "$act"
		done
	done
	for v in "$huge" "$nonutf8" "../../../etc/passwd" "a b;c\$(id)"; do
		for act in validate-all monitor stop; do
			expect any "$act with resource instance '$(label "$v" 20)'" - \
				"OCF_RESOURCE_INSTANCE=$v" -- "$act"
		done
	done
	for var in OCF_RESKEY_CRM_meta_timeout OCF_RESKEY_CRM_meta_interval OCF_CHECK_LEVEL \
		OCF_RESKEY_CRM_meta_clone_max OCF_RESKEY_CRM_meta_on_node \
		OCF_RESKEY_CRM_meta_migrate_target OCF_RESKEY_CRM_meta_notify_type; do
		for v in "$huge" "$nonutf8" -1 99999999999999999999999; do
			expect any "monitor with $var='$(label "$v" 12)'" - "$var=$v" -- monitor
		done
	done
	expect any "monitor with a 100 KB OCF_ROOT" - "OCF_ROOT=$huge" -- monitor
	expect 0 "meta-data with garbage everywhere" - "OCF_RESOURCE_INSTANCE=$huge" \
		"OCF_RESKEY_CRM_meta_timeout=$nonutf8" "HA_LOGTAG=$huge" "HA_debug=$nonutf8" -- meta-data
}

# ----------------------------------------------------------------- main

for tool in xmllint timeout awk; do
	if ! command -v $tool >/dev/null 2>&1; then
		echo "Bail out! $tool is needed"
		exit 1
	fi
done
if [ ! -r "$RA_DTD" ]; then
	echo "Bail out! $RA_DTD is missing (install resource-agents)"
	exit 1
fi

agents=""
for f in "$top_builddir"/agents/*; do
	if [ -f "$f" ] && [ -x "$f" ]; then
		agents="$agents $f"
	fi
done
if [ -z "$agents" ]; then
	not_ok "agent binaries found under $top_builddir/agents"
fi

for agent in $agents; do
	agent_name=$(basename "$agent")
	mkdir -p "$tmp/$agent_name.rsctmp"
	baseline="PATH=/usr/sbin:/usr/bin:/sbin:/bin
OCF_ROOT=$PEER_ROOT
OCF_RESOURCE_INSTANCE=lbconf
HA_RSCTMP=$tmp/$agent_name.rsctmp
HA_LOGFACILITY=none
HA_LOGFILE=$tmp/$agent_name.log
CIB_file=$tmp/no-such-cib.xml"
	echo "# ---- $agent_name ($agent)"
	check_metadata
	hook=$here/$agent_name.sh
	if [ -r "$hook" ]; then
		# shellcheck source=/dev/null
		. "$hook"
		agent_baseline # adds the agent's valid configuration to $baseline
		expect 0 "validate-all with a valid configuration" - -- validate-all
	else
		diag "$agent_name: no $hook; generic cases only"
		for p in $(params_of required); do
			baseline="$baseline
OCF_RESKEY_$p=lifeboat-conformance"
		done
	fi
	check_arguments
	check_empty_env
	check_required
	check_types
	check_garbage
	if [ -r "$hook" ]; then
		agent_matrix
	fi
done

echo "1..$n"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
