#!/bin/bash
# The crm_simulate suite: the reference lifeboat OpenStack HA CIB (make-cib.sh)
# checked with crm_verify, then failures injected with crm_simulate and the
# cluster's response asserted from crm_simulate's own output: its XML output
# (the Transition Summary, the executed transition and the cluster status
# before and after, turned into line records by records.xsl) and its
# transition graph (--save-graph, dependencies through downstream.awk).
#
#   heartbeat-tests/simulate/run.sh
#
# Environment: LB_BUILD_DIR (default build/; its agents/ and fence/ give pcs
# the metadata), LB_SIM_COMPUTES (computes, default 2), LB_SIM_KEEP=1 (keep the
# work directory; it is always kept when a test fails).
#
# Prints TAP ("ok N - ..."), then "N passed, N failed"; exits 1 on a failure.
# Nothing touches a live cluster: every command works on files.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
export LB_BUILD_DIR=${LB_BUILD_DIR:-$top/build}
computes=${LB_SIM_COMPUTES:-2}
unset CIB_file CIB_shadow

for tool in crm_simulate crm_verify crm_attribute cibadmin pcs xmllint xsltproc; do
	command -v "$tool" >/dev/null || { echo "run.sh: $tool not found" >&2; exit 2; }
done
work=$(mktemp -d /tmp/lb-simulate.XXXXXX)

# --- TAP -----------------------------------------------------------------------
n=0 passed=0 failed=0 skipped=0 fails=0 cur="" fail_sims=""
: >"$work/diag"
diag() { printf '%s\n' "$@" >>"$work/diag"; }
# want WHAT EXPECTED ACTUAL: one condition of the current test.
want() {
	[ "$2" = "$3" ] && return 0
	diag "$1:" "    expected: ${2//$'\n'/$'\n'              }" "    got:      ${3//$'\n'/$'\n'              }"
	failing
}
# failing: count a failed condition; remember the simulation it looked at.
failing() {
	fails=$((fails + 1))
	[ -z "$cur" ] || [[ " $fail_sims " == *" $cur "* ]] || fail_sims+=" $cur"
}
# want_that WHAT COMMAND...: a condition that is a command's success.
want_that() {
	"${@:2}" && return 0
	diag "$1"
	failing
}
# result TITLE: one TAP line for the conditions since the previous one. A
# failure shows what differed, and the Transition Summary of the simulations
# those conditions looked at.
result() {
	local s
	n=$((n + 1))
	if [ "$fails" -eq 0 ]; then
		passed=$((passed + 1))
		echo "ok $n - $1"
	else
		failed=$((failed + 1))
		echo "not ok $n - $1"
		for s in $fail_sims; do
			text_output "$s" || continue
			diag "crm_simulate ($s, $work/$s.txt):"
			sed -n '/^Transition Summary/,/^Executing/{/^Executing/d;/^$/d;p}' "$work/$s.txt" >>"$work/diag"
		done
		sed 's/^/#   /' "$work/diag"
	fi
	: >"$work/diag"
	fails=0 fail_sims=""
}
skip() { # TITLE REASON
	n=$((n + 1)) skipped=$((skipped + 1))
	echo "ok $n - $1 # SKIP $2"
}

# --- crm_simulate and its records ----------------------------------------------
# sim MODE NAME INPUT [crm_simulate options]: MODE -S simulates the transition,
# -R only plans it. Writes NAME.xml (XML output), NAME.rec (records.xsl),
# NAME.graph (transition graph), NAME.cib (-S: the CIB after the transition;
# -R: the CIB after the injections, before any action) and NAME.args (for
# text_output).
sim() {
	local mode=$1 name=$2 in=$3 rc=0
	shift 3
	cur=$name
	crm_simulate -x "$in" "$mode" -O "$work/$name.cib" -G "$work/$name.graph" \
		--output-as=xml "$@" >"$work/$name.xml" 2>"$work/$name.err" || rc=$?
	printf '%s\0' -x "$in" "$mode" "$@" >"$work/$name.args"
	xsltproc "$here/records.xsl" "$work/$name.xml" >"$work/$name.rec" 2>>"$work/$name.err" || rc=$?
	if [ $rc -ne 0 ] || ! [ -s "$work/$name.rec" ]; then
		diag "crm_simulate $mode -x $in $* failed (rc $rc):"
		sed 's/^/    /' "$work/$name.err" >>"$work/diag"
		failing
	fi
}
recs() { cat "$work/$1.rec" 2>/dev/null; }
# text_output NAME: crm_simulate's text output of that simulation, in NAME.txt.
text_output() {
	local args
	[ -f "$work/$1.txt" ] && return 0
	mapfile -d '' args <"$work/$1.args" || return 1
	crm_simulate "${args[@]}" >"$work/$1.txt" 2>&1
}
# on NAME S0|S1 RSC [ROLE]: the nodes RSC is active on (with ROLE), sorted.
on() { recs "$1" | awk -v k="$2" -v r="$3" -v role="${4:-}" \
	'$1 == k && $2 == r && (role == "" || $3 == role) { print $4 }' | sort | xargs; }
# fences NAME: the Transition Summary's fencing, "NODE:OP ...".
fences() { recs "$1" | awk '$1 == "F" { print $2 ":" $3 }' | sort | xargs; }
# actions NAME [RSC]: the Transition Summary's resource actions.
actions() { recs "$1" | awk -v r="${2:-}" '$1 == "A" && (r == "" || $3 == r) { $1 = ""; print substr($0, 2) }' | sort; }
# executed NAME RSC NODE: the operations run on RSC on NODE, in order.
executed() { recs "$1" | awk -v r="$2" -v nd="$3" '$1 == "T" && $2 == r && $4 == nd { print $3 }' | xargs; }
# waits_for_fence NAME NODE: the actions of NAME's graph that wait for NODE's fencing.
waits_for_fence() { awk -v from="^stonith-$2-" -f "$here/downstream.awk" "$work/$1.graph" | sort; }
node_rec() { recs "$1" | awk -v k="$2" -v nd="$3" '$1 == k && $2 == nd { $1 = ""; $2 = ""; print substr($0, 3) }'; }
count() { wc -w <<<"$1" | tr -d ' '; }
# one_of WORD LIST: WORD is one of the words of LIST (and not empty).
one_of() { [ -n "$1" ] && [[ " $2 " == *" $1 "* ]]; }
minus() { # LIST ITEM: LIST without ITEM
	local x out=()
	for x in $1; do [ "$x" = "$2" ] || out+=("$x"); done
	echo "${out[*]}"
}
# CIB queries (on a CIB file).
cibq() { xmllint --xpath "string($2)" "$1" 2>/dev/null; }
# ms DURATION: a Pacemaker interval ("20s", "1min", "500ms", "10") in ms.
ms() {
	local v=$1
	case $v in
	*ms) echo "${v%ms}" ;;
	*min) echo $((${v%min} * 60000)) ;;
	*m) echo $((${v%m} * 60000)) ;;
	*h) echo $((${v%h} * 3600000)) ;;
	*s) echo $((${v%s} * 1000)) ;;
	*) echo $((v * 1000)) ;;
	esac
}
iso() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%SZ; }

# services_up NAME S0|S1 CONTROLLERS [COMPUTES]: the controller services run on
# CONTROLLERS (galera promoted there), nova-compute on COMPUTES (default: all).
services_up() {
	local name=$1 k=$2 up=$3 comps=${4:-$cmps} r nodes
	want "galera promoted on" "$up" "$(on "$name" "$k" galera Promoted)"
	for r in haproxy rabbitmq; do
		want "$r running on" "$up" "$(on "$name" "$k" "$r")"
	done
	for r in vip-public vip-internal nova-evacuate; do
		nodes=$(on "$name" "$k" "$r")
		want_that "$r runs on one of [$up], not on '$nodes'" one_of "$nodes" "$up"
	done
	want "nova-compute running on" "$comps" "$(on "$name" "$k" nova-compute)"
}

echo "TAP version 13"
# --- the CIB -------------------------------------------------------------------
cib=$work/cib.xml
if "$here/make-cib.sh" --computes "$computes" "$cib" 2>"$work/make-cib.err"; then
	while read -r line; do diag "$line"; done < <(grep -v '^make-cib.sh: wrote' "$work/make-cib.err")
	[ -s "$work/diag" ] && sed 's/^/# /' "$work/diag"
	: >"$work/diag"
else
	diag "make-cib.sh failed:" "$(cat "$work/make-cib.err")"
	fails=1
fi
result "make-cib.sh builds the reference CIB with pcs ($(grep -c '^pcs' "$cib.pcs" 2>/dev/null) commands)"
if ! [ -s "$cib" ]; then
	echo "# work directory: $work"
	echo "$passed passed, $failed failed"
	exit 1
fi

# The docs show the reference deployment's commands (for 2 computes, without
# the --force of agents not built yet): they must be what make-cib.sh runs.
docs=$top/docs/simulate.md
if [ "$computes" = 2 ] && [ -f "$docs" ]; then
	if ! diff -u <(sed -n '/<!-- make-cib.sh: begin -->/,/<!-- make-cib.sh: end -->/p' "$docs" |
		sed '1,2d' | sed '$d' | sed '$d') <(sed 's/ --force$//' "$cib.pcs" | sed '/./,$!d') \
		>"$work/docs.diff"; then
		diag "docs/simulate.md (-) and make-cib.sh (+) differ:"
		sed 's/^/    /' "$work/docs.diff" >>"$work/diag"
		failing
	fi
	result "docs/simulate.md shows the pcs commands make-cib.sh runs"
fi

# crm_verify on the configuration alone: an offline CIB without a status section
# has no quorum and no node known to be clean; those warnings are expected and
# are the only ones allowed.
crm_verify -x "$cib" -VV >"$work/verify-config.out" 2>&1
rc=$?
unexplained=$(grep -E 'warning|error' "$work/verify-config.out" | grep -v -E \
	'lack of quorum|Node (ctl|cmp)[0-9]+ is unclean but cannot be fenced|crm_verify: Warnings found' || true)
want "crm_verify exit code (78: warnings only)" 78 "$rc"
want "warnings other than the no-status ones" "" "$unexplained"
want "errors" 0 "$(grep -c -i 'error' "$work/verify-config.out")"
result "crm_verify on the configuration: no errors; only the warnings of a CIB without status"

# Agent metadata: every parameter of every lifeboat resource is one the built
# agent declares, and every required one is set.
for agent in $(xmllint --xpath "//primitive[@provider='lifeboat']/@type" "$cib" 2>/dev/null |
	grep -o '"[^"]*"' | tr -d '"' | sort -u); do
	bin=$LB_BUILD_DIR/agents/$agent
	if ! [ -x "$bin" ]; then
		skip "ocf:lifeboat:$agent parameters match its meta-data" "not built in $LB_BUILD_DIR/agents"
		continue
	fi
	meta=$("$bin" meta-data 2>/dev/null)
	declared=$(xmllint --xpath '//parameters/parameter/@name' - <<<"$meta" 2>/dev/null | grep -o '"[^"]*"' | tr -d '"' | sort)
	required=$(xmllint --xpath '//parameters/parameter[@required="1"]/@name' - <<<"$meta" 2>/dev/null | grep -o '"[^"]*"' | tr -d '"' | sort)
	want_that "$agent meta-data declares parameters" test -n "$declared"
	for rsc in $(xmllint --xpath "//primitive[@provider='lifeboat'][@type='$agent']/@id" "$cib" | grep -o '"[^"]*"' | tr -d '"'); do
		set_params=$(xmllint --xpath "//primitive[@id='$rsc']/instance_attributes/nvpair/@name" "$cib" 2>/dev/null | grep -o '"[^"]*"' | tr -d '"' | sort)
		want "$rsc: parameters not in $agent's meta-data" "" "$(comm -23 <(echo "$set_params") <(echo "$declared") | xargs)"
		want "$rsc: required parameters not set" "" "$(comm -13 <(echo "$set_params") <(echo "$required") | xargs)"
	done
	result "ocf:lifeboat:$agent parameters match its meta-data ($bin)"
done
fc=$LB_BUILD_DIR/fence/fence_compute
[ -x "$fc" ] || fc=/usr/sbin/fence_compute
declared=$("$fc" -o metadata 2>/dev/null | xmllint --xpath '//parameters/parameter/@name' - 2>/dev/null | grep -o '"[^"]*"' | tr -d '"' | sort)
set_params=$(xmllint --xpath "//primitive[@id='fence-nova']/instance_attributes/nvpair/@name" "$cib" 2>/dev/null | grep -o '"[^"]*"' | tr -d '"' | grep -v '^pcmk_' | sort)
want_that "fence_compute metadata ($fc)" test -n "$declared"
want "fence-nova options not in $fc's metadata" "" "$(comm -23 <(echo "$set_params") <(echo "$declared") | xargs)"
want "fence-nova record_only" 1 "$(cibq "$cib" "//primitive[@id='fence-nova']//nvpair[@name='record_only']/@value")"
result "fence-nova: fence_compute options from its metadata ($fc), record_only=1"

# --- the fencing topology (the part of fencing the CIB states; crm_simulate
# never consults it) ----------------------------------------------------------
cmps=$(seq -s ' ' -f cmp%g 1 "$computes")
ctls="ctl1 ctl2 ctl3"
for c in $cmps; do
	want "fencing levels of $c" 1 "$(cibq "$cib" "count(//fencing-topology/fencing-level[@target='$c'])")"
	want "$c level 1 devices (power first, then fence-nova)" "ipmi-$c,fence-nova" \
		"$(cibq "$cib" "//fencing-level[@target='$c'][@index='1']/@devices")"
	want "ipmi-$c fences" "$c" "$(cibq "$cib" "//primitive[@id='ipmi-$c']//nvpair[@name='pcmk_host_list']/@value")"
	want_that "fence-nova can fence $c" grep -qw "$c" \
		<<<"$(cibq "$cib" "//primitive[@id='fence-nova']//nvpair[@name='pcmk_host_list']/@value")"
done
for d in $(xmllint --xpath '//fencing-level/@devices' "$cib" | grep -o '"[^"]*"' | tr -d '"' | tr ',' ' '); do
	want "stonith device $d exists" stonith "$(cibq "$cib" "//primitive[@id='$d']/@class")"
done
for c in $ctls; do
	want "fencing levels of $c (none: fenced picks ipmi-$c by its host list)" 0 \
		"$(cibq "$cib" "count(//fencing-level[@target='$c'])")"
	want "ipmi-$c fences" "$c" "$(cibq "$cib" "//primitive[@id='ipmi-$c']//nvpair[@name='pcmk_host_list']/@value")"
done
result "fencing topology: each compute has exactly one level, its power device then fence-nova"

# --- the starting state: everything running ------------------------------------
sim -S boot "$cib" --quorum=true --node-up=ctl1 --node-up=ctl2 --node-up=ctl3
want "controllers" "$ctls" "$(recs boot | awk '$1 == "N1" && $6 == "member" && $3 == "online=true" { print $2 }' | sort | xargs)"
want "computes" "$cmps" "$(recs boot | awk '$1 == "N1" && $6 == "remote" && $3 == "online=true" { print $2 }' | sort -V | xargs)"
probes=$(recs boot | awk '$1 == "T" && $3 == "monitor" && $5 == "-" { print $2 "@" $4 }' | sort -u)
want "nova-compute probed on" "$cmps" "$(grep '^nova-compute@' <<<"$probes" | cut -d@ -f2 | sort -V | xargs)"
for r in vip-public vip-internal haproxy galera rabbitmq nova-evacuate; do
	want "$r probed on" "$ctls" "$(grep "^$r@" <<<"$probes" | cut -d@ -f2 | sort | xargs)"
done
result "boot: resource-discovery=exclusive: nova-compute probed only on computes, controller services only on controllers"

# The promotion score is the galera agent's to set (crm_master) once its node has
# joined; crm_simulate runs no agent, so set it as the agent would.
cp "$work/boot.cib" "$work/scores.cib"
for c in $ctls; do
	CIB_file=$work/scores.cib crm_attribute --node "$c" --lifetime reboot --name master-galera --update 100
done
sim -S promote "$work/scores.cib"
want "promotions" "$(for c in $ctls; do echo "promote galera Unpromoted Promoted - $c -"; done)" \
	"$(actions promote galera)"
services_up promote S1 "$ctls"
want "failed resources" "" "$(recs promote | awk '$1 == "S1" && ($5 != "failed=false" || $6 != "blocked=false")')"
result "started: galera promoted on all 3 controllers, every service running"
started=$work/promote.cib

sim -R idle "$started"
want "actions in the started state" "" "$(recs idle | awk '$1 == "F" || $1 == "A"')"
result "started state is stable: no action planned"

crm_verify -x "$started" -VV >"$work/verify-started.out" 2>&1
rc=$?
want "crm_verify exit code" 0 "$rc"
want "crm_verify output" "" "$(cat "$work/verify-started.out")"
result "crm_verify on the started CIB: clean (no error, no warning)"

# --- the loss of a controller ---------------------------------------------------
evac=$(on promote S1 nova-evacuate)
survivors=$(minus "$ctls" "$evac")
sim -S ctl-loss "$started" --node-fail="$evac"
want "fenced" "$evac:reboot" "$(fences ctl-loss)"
want "fenced in the transition" "$evac reboot" "$(recs ctl-loss | awk '$1 == "TF" { print $2, $3 }' | xargs)"
want "$evac fencing levels" 0 "$(cibq "$cib" "count(//fencing-level[@target='$evac'])")"
# Without a level, fenced uses the devices whose host list has the node.
able=$(for d in $(xmllint --xpath "//primitive[@class='stonith']/@id" "$cib" | grep -o '"[^"]*"' | tr -d '"'); do
	one_of "$evac" "$(cibq "$cib" "//primitive[@id='$d']//nvpair[@name='pcmk_host_list']/@value")" && echo "$d"
done | xargs)
want "devices that can fence $evac" "ipmi-$evac" "$able"
want_that "ipmi-$evac runs on a survivor after (on '$(on ctl-loss S1 "ipmi-$evac")')" \
	one_of "$(on ctl-loss S1 "ipmi-$evac")" "$survivors"
result "controller loss ($evac): $evac fenced (reboot) with ipmi-$evac, running on a survivor"

moved=$(recs promote | awk -v c="$evac" '$1 == "S1" && $4 == c { print $2 }' | sort -u)
for r in $moved; do
	case $r in haproxy | galera | rabbitmq) continue ;; esac
	dest=$(on ctl-loss S1 "$r")
	want_that "$r moves from $evac to a survivor (now on '$dest')" one_of "$dest" "$survivors"
	want "$r in the Transition Summary" "move $r - - - $evac $dest" "$(actions ctl-loss "$r")"
done
for r in haproxy galera rabbitmq; do
	want "$r actions" "stop $r $([ $r = galera ] && echo Promoted || echo -) - $evac - -" "$(actions ctl-loss "$r")"
done
services_up ctl-loss S1 "$survivors"
result "controller loss: its primitives ($(echo "$moved" | grep -v -x -E 'haproxy|galera|rabbitmq' | xargs)) move; its clone instances stop; galera stays promoted on $survivors"

waits=$(waits_for_fence ctl-loss "$evac")
want_that "nova-evacuate's start waits for the fencing of $evac" grep -q '^nova-evacuate_start_0@' <<<"$waits"
for r in galera haproxy rabbitmq; do
	want_that "$r's stop on $evac is only a consequence of the fencing" grep -q "^${r}_stop_0@-" <<<"$waits"
done
for c in $cmps; do
	if [ "$(on promote S1 "$c")" = "$evac" ]; then
		want_that "the connection to $c is re-established without waiting for the fence" \
			test -z "$(grep "^${c}_start_0@" <<<"$waits")"
	fi
done
want "nova-compute actions" "" "$(actions ctl-loss nova-compute)"
result "controller loss: nova-evacuate restarts only after the fence; compute connections move at once, nova-compute untouched"

# --- the loss of a compute --------------------------------------------------------
cmp=${cmps%% *}
host=$(on promote S1 "$cmp")
cmp_int=$(ms "$(cibq "$cib" "//primitive[@id='$cmp']/operations/op[@name='monitor']/@interval")")
sim -S cmp-loss "$started" --op-inject="${cmp}_monitor_${cmp_int}@${host}=1"
want "fenced" "$cmp:reboot" "$(fences cmp-loss)"
want "fenced in the transition" "$cmp reboot" "$(recs cmp-loss | awk '$1 == "TF" { print $2, $3 }' | xargs)"
level=$(cibq "$cib" "//fencing-level[@target='$cmp'][@index='1']/@devices")
for d in ${level//,/ }; do
	nodes=$(on cmp-loss S1 "$d")
	want_that "$d (of $cmp's level) runs on a controller after (on '$nodes')" one_of "$nodes" "$ctls"
done
result "compute loss ($cmp): $cmp fenced (reboot) through its level '$level', both devices running on controllers"

want "Transition Summary" "$(printf '%s\n' "stop $cmp - - $host - -" "stop nova-compute - - $cmp - -" | sort)" "$(actions cmp-loss)"
want_that "nova-compute on $cmp counts as stopped only once $cmp is fenced" \
	grep -q '^nova-compute_stop_0@' <<<"$(waits_for_fence cmp-loss "$cmp")"
services_up cmp-loss S1 "$ctls" "$(minus "$cmps" "$cmp")"
want "nova-evacuate stays on" "$evac" "$(on cmp-loss S1 nova-evacuate)"
result "compute loss: only $cmp's connection and nova-compute stop; controllers untouched, nova-evacuate stays on $evac"

# crm_simulate's fencing does not record a fenced remote node as the controller
# does (node_state node_fenced=TIME); without it the next run fences again.
failed_at=$(cibq "$work/cmp-loss.cib" "//lrm_rsc_op[@id='${cmp}_last_failure_0']/@last-rc-change")
cp "$work/cmp-loss.cib" "$work/cmp-fenced.in"
CIB_file=$work/cmp-fenced.in cibadmin --modify --xml-text "<node_state id=\"$cmp\" node_fenced=\"$failed_at\"/>"
reconnect=$(cibq "$cib" "//primitive[@id='$cmp']//nvpair[@name='reconnect_interval']/@value")
sim -S cmp-fenced "$work/cmp-fenced.in" --set-datetime="$(iso $((failed_at + reconnect - 10)))"
want "fencing" "" "$(fences cmp-fenced)"
want "actions" "" "$(actions cmp-fenced)"
want "$cmp after its fence" "online=false unclean=false shutdown=false remote" "$(node_rec cmp-fenced N1 "$cmp")"
sim -S cmp-back "$work/cmp-fenced.in" --set-datetime="$(iso $((failed_at + reconnect + 1)))"
want "actions after reconnect_interval=${reconnect}s" \
	"$(printf '%s\n' "start $cmp - - $(on cmp-back S1 "$cmp") - -" "start nova-compute - - $cmp - -" | sort)" "$(actions cmp-back)"
want "nova-compute running on" "$cmps" "$(on cmp-back S1 nova-compute)"
result "compute loss: once fenced, $cmp stays down until reconnect_interval (${reconnect}s), then rejoins and runs nova-compute"

# --- a failed monitor on a promoted galera ---------------------------------------------
g=$evac
g_int=$(ms "$(cibq "$cib" "//primitive[@id='galera']/operations/op[@name='monitor'][@role='Promoted']/@interval")")
sim -S galera-fail "$started" --op-inject="galera_monitor_${g_int}@${g}=1"
want "fencing" "" "$(fences galera-fail)"
want "Transition Summary" "recover galera Promoted - $g - -" "$(actions galera-fail)"
want "operations on galera on $g" "demote stop start promote monitor" "$(executed galera-fail galera "$g")"
for c in $(minus "$ctls" "$g"); do
	want "operations on galera on $c" "" "$(executed galera-fail galera "$c")"
done
services_up galera-fail S1 "$ctls"
want "nova-evacuate stays on" "$evac" "$(on galera-fail S1 nova-evacuate)"
result "failed monitor of promoted galera on $g: recovered in place (demote, stop, start, promote); the other two stay promoted, nothing else moves"

sim -S galera-block "$started" --op-inject="galera_monitor_${g_int}@${g}=1" --op-fail="galera_promote_0@${g}=1"
want "fencing" "" "$(fences galera-block)"
want "galera on $g" "galera Promoted $g failed=true blocked=true" \
	"$(recs galera-block | awk -v g="$g" '$1 == "S1" && $2 == "galera" && $4 == g { print $2, $3, $4, $5, $6 }')"
want "galera promoted (and healthy) on" "$(minus "$ctls" "$g")" \
	"$(recs galera-block | awk '$1 == "S1" && $2 == "galera" && $3 == "Promoted" && $5 == "failed=false" { print $4 }' | sort | xargs)"
sim -S galera-block-next "$work/galera-block.cib"
want "actions once blocked" "" "$(recs galera-block-next | awk '$1 == "F" || $1 == "A"')"
result "failed promote during that recovery: on-fail=block leaves $g's galera blocked for the operator; the other two stay promoted"

# --- a fence failure --------------------------------------------------------------------
# crm_simulate executes every fencing action successfully. A failed fence
# writes nothing to the CIB, so the cluster after a failed fence is the CIB
# after the failure and before any action: plan that (-R) and plan again.
sim -R cmp-pending "$started" --op-inject="${cmp}_monitor_${cmp_int}@${host}=1"
sim -R cmp-refence "$work/cmp-pending.cib"
want "fencing planned again" "$cmp:reboot" "$(fences cmp-refence)"
want "$cmp while its fence has not succeeded" "online=false unclean=true shutdown=false remote" "$(node_rec cmp-refence N0 "$cmp")"
want "nova-compute on $cmp" "$cmp" "$(recs cmp-refence | awk -v c="$cmp" '$1 == "S0" && $2 == "nova-compute" && $4 == c { print $4 }')"
want_that "nova-compute on $cmp is stopped only through the fence" \
	grep -q '^nova-compute_stop_0@' <<<"$(waits_for_fence cmp-refence "$cmp")"
want "levels of $cmp (a failed device fails the fence: no fallback level)" 1 \
	"$(cibq "$cib" "count(//fencing-level[@target='$cmp'])")"
result "fence failure of $cmp: it stays UNCLEAN, the fence is retried and nova-compute there is not written off"

sim -R ctl-pending "$started" --node-fail="$evac"
sim -R ctl-refence "$work/ctl-pending.cib"
want "fencing planned again" "$evac:reboot" "$(fences ctl-refence)"
want "$evac while its fence has not succeeded" "online=false unclean=true shutdown=false member" "$(node_rec ctl-refence N0 "$evac")"
waits=$(waits_for_fence ctl-refence "$evac")
want_that "nova-evacuate's start waits for the fence" grep -q '^nova-evacuate_start_0@' <<<"$waits"
# What moves without waiting for the fence: fence devices and remote
# connections (Pacemaker needs no fence to restart those elsewhere); everything
# else that ran on $evac waits.
nowait="" expect_nowait=""
for r in $(recs ctl-refence | awk '$1 == "A" && $2 == "move" { print $3 }' | sort); do
	grep -q "^${r}_start_0@" <<<"$waits" || nowait+=" $r"
	if [ "$(cibq "$cib" "//primitive[@id='$r']/@class")" = stonith ] ||
		[ "$(cibq "$cib" "//primitive[@id='$r']/@type")" = remote ]; then
		expect_nowait+=" $r"
	fi
done
want "moves that do not wait for the fence" "${expect_nowait# }" "${nowait# }"
result "fence failure of $evac: retried; nova-evacuate stays down until it succeeds, only devices and compute connections move meanwhile"

dev_node=$(on promote S1 "ipmi-$cmp")
sim -S fence-dev "$started" --op-inject="ipmi-${cmp}_monitor_60000@${dev_node}=1"
want "fencing" "" "$(fences fence-dev)"
want "Transition Summary" "recover ipmi-$cmp - - $dev_node - -" "$(actions fence-dev)"
want "ipmi-$cmp after" "$dev_node" "$(on fence-dev S1 "ipmi-$cmp")"
result "failed monitor of a power device (ipmi-$cmp): recovered in place, nothing fenced"

# --- a rolling restart -------------------------------------------------------------------
# Each controller in turn: a clean shutdown (pacemakerd's shutdown sets the
# node's "shutdown" attribute; the scheduler then moves everything off), the
# node down, the node up again, and galera's promotion score set again (by the
# agent, once it has synced).
state=$started
for c in $ctls; do
	others=$(minus "$ctls" "$c")
	cp "$state" "$work/rr-$c-0.cib"
	CIB_file=$work/rr-$c-0.cib crm_attribute --node "$c" --lifetime reboot --name shutdown --update "$(date +%s)"
	sim -S "rr-$c-stop" "$work/rr-$c-0.cib"
	want "fencing" "" "$(fences "rr-$c-stop")"
	want "galera actions" "stop galera Promoted - $c - -" "$(actions "rr-$c-stop" galera)"
	demoted=$(recs "rr-$c-stop" | awk '$1 == "T" && $2 == "galera" && $3 == "demote" { print $4 }' | xargs)
	want "galera demoted during the transition on" "$c" "$demoted"
	want_that "galera promoted during the transition: at least 2" \
		test $(($(count "$(on "rr-$c-stop" S0 galera Promoted)") - $(count "$demoted"))) -ge 2
	want "nova-compute actions" "" "$(actions "rr-$c-stop" nova-compute)"
	want "shutdown of $c" "do_shutdown $c" "$(recs "rr-$c-stop" | awk '$1 == "TC" && $2 == "do_shutdown" { print $2, $3 }')"
	want "resources left on $c" "" "$(recs "rr-$c-stop" | awk -v c="$c" '$1 == "S1" && $4 == c')"
	services_up "rr-$c-stop" S1 "$others"
	sim -S "rr-$c-down" "$work/rr-$c-stop.cib" --node-down="$c"
	want "fencing" "" "$(fences "rr-$c-down")"
	want "actions when $c leaves" "" "$(actions "rr-$c-down")"
	services_up "rr-$c-down" S1 "$others"
	result "rolling restart: $c shuts down cleanly; galera keeps 2 promoted, every service stays up, no fencing"

	sim -S "rr-$c-up" "$work/rr-$c-down.cib" --node-up="$c"
	want "fencing" "" "$(fences "rr-$c-up")"
	want "actions other than starts on $c" "" \
		"$(recs "rr-$c-up" | awk -v c="$c" '$1 == "A" && !($2 == "start" && $6 == c)')"
	want "started on $c" "galera haproxy rabbitmq" \
		"$(recs "rr-$c-up" | awk -v c="$c" '$1 == "A" && $2 == "start" && $6 == c { print $3 }' | sort | xargs)"
	want "galera on $c" "Unpromoted" "$(recs "rr-$c-up" | awk -v c="$c" '$1 == "S1" && $2 == "galera" && $4 == c { print $3 }')"
	cp "$work/rr-$c-up.cib" "$work/rr-$c-score.cib"
	CIB_file=$work/rr-$c-score.cib crm_attribute --node "$c" --lifetime reboot --name master-galera --update 100
	sim -S "rr-$c-promote" "$work/rr-$c-score.cib"
	want "actions" "promote galera Unpromoted Promoted - $c -" "$(actions "rr-$c-promote")"
	services_up "rr-$c-promote" S1 "$ctls"
	result "rolling restart: $c rejoins; only starts on $c (nothing moves back), galera promoted there once it has its score"
	state=$work/rr-$c-promote.cib
done
sim -R rr-end "$state"
want "actions after the rolling restart" "" "$(recs rr-end | awk '$1 == "F" || $1 == "A"')"
services_up rr-end S0 "$ctls"
result "after the rolling restart: stable, 3 galera promoted, every service up"

# --------------------------------------------------------------------------------------------
echo "1..$n"
[ "$skipped" -eq 0 ] || echo "# $skipped skipped"
if [ "$failed" -eq 0 ] && [ -z "${LB_SIM_KEEP:-}" ]; then
	rm -rf "$work"
else
	echo "# work directory: $work"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
