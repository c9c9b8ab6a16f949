#!/bin/bash
# Build the reference lifeboat OpenStack HA CIB from scratch, offline, with the
# commands an operator would type: pcs -f on a CIB file, and cibadmin only for
# the nodes section, which `pcs cluster setup` would otherwise fill.
#
#   make-cib.sh [--computes N] OUT.xml
#
# 3 controllers (ctl1..ctl3, full cluster nodes, osprole=controller) and N
# computes (cmp1..cmpN, pacemaker_remote nodes, osprole=compute; default 2);
# a power device (fence_ipmilan) per node, fence-nova (fence_compute,
# record_only=1), a fencing level "ipmi-cmpK,fence-nova" per compute; two VIPs,
# a haproxy clone, a galera promotable clone (3 promoted), a rabbitmq clone, a
# nova-compute clone on the computes only and nova-evacuate on a controller.
#
# OUT.xml.pcs gets the pcs command lines (runnable with CIB=...), OUT.xml.log
# their output.
#
# pcs checks every agent name and parameter against the agent's meta-data,
# which it gets from crm_resource, which only looks in the compiled-in
# /usr/lib/ocf/resource.d (and pacemaker-fenced in /usr/sbin). As root this
# script re-runs itself in a private mount namespace with the build tree's
# agents overlaid there ($LB_BUILD_DIR/agents as ocf:lifeboat:*,
# $LB_BUILD_DIR/fence over /usr/sbin): parameters are checked against the
# metadata of the agents under test, and the host is not changed. An agent
# with no metadata (not built yet, or not root) is created with `pcs --force`
# and a line on stderr says so.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=${LB_BUILD_DIR:-$top/build}

computes=2
while [ $# -gt 0 ]; do
	case $1 in
	--computes) computes=${2:-}; shift 2 ;;
	--computes=*) computes=${1#*=}; shift ;;
	-h | --help) sed -n '2,/^set -e/{/^set -e/d;s/^# \{0,1\}//p}' "$0"; exit 0 ;;
	-*) echo "make-cib.sh: unknown option $1" >&2; exit 2 ;;
	*) break ;;
	esac
done
[ $# -eq 1 ] || { echo "usage: make-cib.sh [--computes N] OUT.xml" >&2; exit 2; }
[[ $computes =~ ^[1-9][0-9]?$ ]] || { echo "make-cib.sh: --computes wants 1-99" >&2; exit 2; }
out=$(realpath -m "$1")

# --- the agents' metadata, through a private mount namespace ------------------
if [ -z "${LB_SIM_NS:-}" ] && [ "$(id -u)" = 0 ] && [ -z "${LB_SIM_NO_NS:-}" ] &&
	unshare --mount --propagation private true 2>/dev/null; then
	stage=$(mktemp -d /tmp/lb-sim-agents.XXXXXX)
	trap 'rm -rf "$stage"' EXIT
	mkdir -p "$stage/ocf/lifeboat" "$stage/sbin"
	for a in "$build"/agents/*; do
		if [ -f "$a" ] && [ -x "$a" ]; then ln -s "$(realpath "$a")" "$stage/ocf/lifeboat/"; fi
	done
	for a in "$build"/fence/fence_*; do
		if [ -f "$a" ] && [ -x "$a" ]; then ln -s "$(realpath "$a")" "$stage/sbin/"; fi
	done
	rc=0
	LB_SIM_NS=$stage unshare --mount --propagation private -- "$0" --computes "$computes" "$out" || rc=$?
	exit $rc
fi
if [ -n "${LB_SIM_NS:-}" ]; then
	mount -t overlay lb-sim-ocf -o "lowerdir=$LB_SIM_NS/ocf:/usr/lib/ocf/resource.d" \
		/usr/lib/ocf/resource.d ||
		echo "make-cib.sh: cannot overlay the built agents on /usr/lib/ocf/resource.d" >&2
	if [ -n "$(ls -A "$LB_SIM_NS/sbin")" ]; then
		mount -t overlay lb-sim-sbin -o "lowerdir=$LB_SIM_NS/sbin:/usr/sbin" /usr/sbin ||
			echo "make-cib.sh: cannot overlay the built fence agents on /usr/sbin" >&2
	fi
fi

# --- the pcs commands -----------------------------------------------------------
# Collected in $out.pcs and run in one go by pcs-batch.py (each pcs start costs
# half a second; there are about 50 commands).
: >"$out.pcs"
# One command line, quoted for sh (and for shlex in pcs-batch.py): words with
# only safe characters as they are, others in single quotes.
pcs_() {
	local a safe='^[A-Za-z0-9_./:=@,+%-]+$' q="'\\''"
	{
		# shellcheck disable=SC2016 # a literal $CIB, for pcs-batch.py and for readers
		printf 'pcs -f "$CIB"'
		for a in "$@"; do
			if [[ $a =~ $safe ]]; then printf ' %s' "$a"; else printf " '%s'" "${a//\'/$q}"; fi
		done
		echo
	} >>"$out.pcs"
}
comment() { { echo; printf '# %s\n' "$@"; } >>"$out.pcs"; } # LINE...
# --force only for an agent whose metadata pcs cannot get.
force_for() { # CLASS:[PROVIDER:]TYPE
	force=()
	crm_resource --show-metadata "$1" >/dev/null 2>&1 && return 0
	local why="not built in $build?"
	[ -n "${LB_SIM_NS:-}" ] || why="pcs only looks in /usr/lib/ocf/resource.d; as root, $build's agents are overlaid there"
	echo "make-cib.sh: no meta-data for $1 ($why): created with pcs --force, its parameters are not checked" >&2
	force=(--force)
}
lifeboat() { # NAME AGENT ARGS...: pcs resource create NAME ocf:lifeboat:AGENT ARGS...
	local name=$1 agent=ocf:lifeboat:$2 force
	shift 2
	force_for "$agent"
	pcs_ resource create "$name" "$agent" "$@" "${force[@]}"
}
stonith() { # NAME AGENT ARGS...
	local name=$1 agent=$2 force
	shift 2
	force_for "stonith:$agent"
	pcs_ stonith create "$name" "$agent" "$@" "${force[@]}"
}

# The evacuation side's OpenStack credentials (NovaCompute, NovaEvacuate and
# fence_compute take the same names).
os=(auth_url=http://10.0.0.10:5000/v3 username=admin password=secret tenant_name=admin
	domain=Default)
cmps=$(seq -s ' ' -f cmp%g 1 "$computes")

comment "Cluster options: fencing on; re-check every minute (NovaEvacuate polls)."
pcs_ property set stonith-enabled=true cluster-recheck-interval=1min
pcs_ resource defaults update resource-stickiness=100

comment "Node roles: every placement rule below keys on osprole."
for i in 1 2 3; do
	pcs_ node attribute "ctl$i" osprole=controller
done

comment "Computes: pacemaker_remote nodes. Offline, pcs skips pushing the authkey and" \
	"starting pacemaker_remote on the host (and says so); do that on the compute."
for i in $(seq 1 "$computes"); do
	pcs_ cluster node add-remote "cmp$i" "10.0.0.$((20 + i))" reconnect_interval=60 \
		op monitor interval=20s
	pcs_ node attribute "cmp$i" osprole=compute
done

comment "Fencing: a power device per node (controllers' BMCs 10.0.1.1-3, computes' .101-)."
for n in ctl1 ctl2 ctl3 $cmps; do
	k=${n#???}
	[ "${n#ctl}" = "$n" ] && k=$((100 + k))
	stonith "ipmi-$n" fence_ipmilan ip="10.0.1.$k" username=admin password=secret lanplus=1 \
		pcmk_host_list="$n" op monitor interval=60s
done
for i in 1 2 3; do
	pcs_ constraint location "ipmi-ctl$i" avoids "ctl$i"
done
comment "fence_compute only records the fence in Nova (forced_down) and marks the node" \
	"for evacuation; it never powers anything off, so it is never used alone."
stonith fence-nova fence_compute "${os[@]}" record_only=1 pcmk_host_list="$cmps" \
	op monitor interval=60s
comment "One level per compute with both devices: the fence succeeds only if the power" \
	"device succeeds first, and only then does fence-nova mark the node."
for i in $(seq 1 "$computes"); do
	pcs_ stonith level add 1 "cmp$i" "ipmi-cmp$i" fence-nova
done

comment "Controller services."
pcs_ resource create vip-public ocf:heartbeat:IPaddr2 ip=192.0.2.10 cidr_netmask=24 \
	op monitor interval=10s
pcs_ resource create vip-internal ocf:heartbeat:IPaddr2 ip=10.0.0.10 cidr_netmask=24 \
	op monitor interval=10s
# clone-min=1 on the clones that nova-evacuate is ordered after: one running
# instance is enough for it (require-all=false is deprecated in Pacemaker 2.1).
lifeboat haproxy haproxy config=/etc/haproxy/haproxy.cfg op monitor interval=10s \
	clone interleave=true clone-min=1
lifeboat galera galera wsrep_cluster_address=gcomm://ctl1,ctl2,ctl3 enable_creation=true \
	op promote timeout=300s on-fail=block op monitor interval=20s \
	op monitor interval=10s role=Promoted \
	promotable promoted-max=3 ordered=true interleave=true clone-min=1
lifeboat rabbitmq rabbitmq-cluster 'set_policy=ha-all ^(?!amq\.).* {"ha-mode":"all"}' \
	op monitor interval=10s clone notify=true ordered=true interleave=true clone-min=1
for vip in vip-public vip-internal; do
	# A VIP runs where a haproxy runs; haproxy may start before its VIP
	# (nonlocal bind), so the order is only optional.
	pcs_ constraint colocation add "$vip" with haproxy-clone INFINITY
	pcs_ constraint order start "$vip" "then" start haproxy-clone kind=Optional
done
lifeboat nova-evacuate NovaEvacuate "${os[@]}" op monitor interval=10s
comment "nova-evacuate needs the APIs behind the VIPs (any one instance of each is enough)."
for first in "start haproxy-clone" "promote galera-clone" "start rabbitmq-clone"; do
	# shellcheck disable=SC2086 # "ACTION RESOURCE"
	pcs_ constraint order $first "then" start nova-evacuate
done
comment "Controller services never run, and are never probed, on a compute."
for r in vip-public vip-internal haproxy-clone galera-clone rabbitmq-clone nova-evacuate; do
	pcs_ constraint location "$r" rule resource-discovery=exclusive score=0 osprole eq controller
done

comment "Compute services: only on (and only probed on) the computes."
lifeboat nova-compute NovaCompute "${os[@]}" evacuation_delay=120 \
	op start timeout=300s op monitor interval=10s clone interleave=true clone-min=1
pcs_ constraint location nova-compute-clone rule resource-discovery=exclusive score=0 \
	osprole eq compute
pcs_ constraint order start nova-compute-clone "then" start nova-evacuate

# --- run them ---------------------------------------------------------------------
cibadmin --empty >"$out"
export CIB_file=$out
# The nodes section: `pcs cluster setup` and the first start of each node fill
# it on a real cluster; offline we write it, with the ids corosync gives.
for i in 1 2 3; do
	cibadmin --create -o nodes -X "<node id=\"$i\" uname=\"ctl$i\"/>"
done
# pcs's own interpreter, from its #! line (it needs -Es and its site packages).
pcs_bin=$(command -v pcs)
read -r shebang <"$pcs_bin"
read -r -a py <<<"${shebang#\#!}"
[ -x "${py[0]:-}" ] || py=(python3)
if ! CIB=$out "${py[@]}" "$here/pcs-batch.py" "$out.pcs" >"$out.log" 2>&1; then
	tail -n 20 "$out.log" >&2
	exit 1
fi
echo "make-cib.sh: wrote $out ($(grep -c '^pcs' "$out.pcs") pcs commands: $out.pcs)" >&2
