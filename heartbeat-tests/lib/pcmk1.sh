# shellcheck shell=bash
# pcmk1.sh - a real single-node Pacemaker (corosync + pacemakerd) in private
# namespaces, for live tests. Source it; it defines functions only.
#
# A test script re-runs itself inside new network, mount, UTS, IPC and PID
# namespaces (so its cluster sees only a private /run, /dev/shm, Pacemaker and
# Corosync state, and loopback), sets the node up, and stops it by PID at the
# end (the PID namespace takes any leftover with it):
#
#   . heartbeat-tests/lib/pcmk1.sh
#   if [ "${1:-}" != --inside ]; then
#       pcmk1_check_tools attrd_updater || exit 77   # prints "1..0 # SKIP ..."
#       pcmk1_reexec "$0" ARGS...                    # never returns
#   fi
#   work=$2                                          # then your own args: $3 ...
#   pcmk1_setup "$work" node1 && pcmk1_start 90 || bail out
#   ... tests (attrd_updater, crm_attribute work directly) ...
#   pcmk1_stop
#
# Environment: LB_KEEP=1 keeps the work directory (logs) even after success.

# pcmk1_check_tools [TOOL...]: root and the Pacemaker/Corosync commands are there.
pcmk1_check_tools() {
	local t
	if [ "$(id -u)" != 0 ]; then
		echo "1..0 # SKIP needs root (namespaces, corosync, pacemakerd)"
		return 1
	fi
	for t in corosync pacemakerd unshare ip cibadmin crm_attribute crm_mon crmadmin "$@"; do
		command -v "$t" >/dev/null || {
			echo "1..0 # SKIP $t not installed"
			return 1
		}
	done
}

# pcmk1_reexec SCRIPT [ARGS...]: run SCRIPT --inside WORK ARGS... as PID 1 of new
# namespaces, with WORK a fresh directory; remove WORK unless it failed or LB_KEEP=1.
pcmk1_reexec() {
	local script work holder rc
	script=$(readlink -f "$1")
	shift
	work=$(mktemp -d /tmp/lb-pcmk1.XXXXXX)
	chmod 755 "$work"
	unshare --net --mount --uts --ipc --pid --fork --mount-proc --kill-child=SIGTERM \
		--propagation private -- bash "$script" --inside "$work" "$@" &
	holder=$!
	# shellcheck disable=SC2064 # the PID is fixed now
	trap "kill -TERM $holder 2>/dev/null" INT TERM
	wait "$holder"
	rc=$?
	if [ "${LB_KEEP:-0}" = 1 ] || [ "$rc" != 0 ]; then
		echo "# logs kept in $work" >&2
	else
		rm -rf "$work"
	fi
	exit "$rc"
}

# pcmk1_setup WORK NODE: private /run, /dev/shm and cluster state under WORK, a
# corosync.conf for one node on 127.0.0.1, a first CIB (no fencing, 5 s DC wait).
pcmk1_setup() {
	local work=$1 node=$2 d cib m
	pcmk1_work=$work
	pcmk1_node=$node
	# Detach the host's /run submounts first: copies of /run/netns/* bind
	# mounts would keep other people's namespaces alive.
	awk '$5 ~ "^/run/" { print $5 }' /proc/self/mountinfo | sort -r | while read -r m; do
		umount -l "$m" 2>/dev/null
	done
	mount -t tmpfs -o mode=755,nosuid,nodev lb-run /run || return 1
	install -d -m 1777 /run/lock
	install -d -o hacluster -g haclient -m 750 /run/crm /run/pacemaker
	install -d -m 1755 /run/resource-agents
	mount -t tmpfs -o mode=1777,nosuid,nodev lb-shm /dev/shm || return 1
	for d in lib-pacemaker/cib lib-pacemaker/pengine lib-pacemaker/blackbox lib-pacemaker/cores; do
		install -d -o hacluster -g haclient -m 750 "$work/$d"
	done
	install -d -m 755 "$work/lib-corosync" "$work/log-corosync" "$work/etc-corosync"
	install -d -o hacluster -g haclient -m 775 "$work/log-pacemaker"
	cat >"$work/etc-corosync/corosync.conf" <<EOF
totem {
	version: 2
	cluster_name: lbtest
	crypto_cipher: none
	crypto_hash: none
	token: 1000
}
logging {
	to_stderr: no
	to_logfile: yes
	logfile: /var/log/corosync/corosync.log
	to_syslog: no
}
quorum {
	provider: corosync_votequorum
}
nodelist {
	node {
		name: $node
		nodeid: 1
		ring0_addr: 127.0.0.1
	}
}
EOF
	cib=$work/lib-pacemaker/cib/cib.xml
	cibadmin --empty >"$cib"
	CIB_file=$cib crm_attribute --type crm_config --name stonith-enabled --update false
	CIB_file=$cib crm_attribute --type crm_config --name dc-deadtime --update 5s
	chown hacluster:haclient "$cib"
	chmod 600 "$cib"
	mount --bind "$work/lib-pacemaker" /var/lib/pacemaker &&
		mount --bind "$work/lib-corosync" /var/lib/corosync &&
		mount --bind "$work/log-pacemaker" /var/log/pacemaker &&
		mount --bind "$work/log-corosync" /var/log/corosync &&
		mount --bind "$work/etc-corosync" /etc/corosync || return 1
	ip link set lo up
	hostname "$node"
}

pcmk1__eventually() { # SECONDS COMMAND...
	local end=$((SECONDS + $1))
	shift
	while ! "$@" >/dev/null 2>&1; do
		[ "$SECONDS" -ge "$end" ] && return 1
		sleep 0.5
	done
}
pcmk1__online() {
	crm_mon -1 --output-as=xml 2>/dev/null | grep -q "<node name=\"$pcmk1_node\"[^>]* online=\"true\""
}
pcmk1__dc() { crmadmin -D -q 2>&1 | grep -q "$pcmk1_node"; }

# pcmk1_start [SECONDS]: start corosync and pacemakerd; wait until the node is
# online and DC. On failure prints why (a "# " line) and returns 1.
pcmk1_start() {
	local limit=${1:-90}
	corosync -f >"$pcmk1_work/corosync.out" 2>&1 &
	pcmk1_cpid=$!
	if ! pcmk1__eventually 20 corosync-cmapctl -g totem.cluster_name; then
		echo "# corosync did not start (see $pcmk1_work/corosync.out)"
		return 1
	fi
	pacemakerd -f >"$pcmk1_work/pacemakerd.out" 2>&1 &
	pcmk1_ppid=$!
	if ! pcmk1__eventually "$limit" pcmk1__online || ! pcmk1__eventually 60 pcmk1__dc; then
		echo "# $pcmk1_node not online (see $pcmk1_work/log-pacemaker)"
		return 1
	fi
}

pcmk1__stop_pid() { # PID SECONDS : TERM, wait, then KILL
	local pid=$1 end=$((SECONDS + $2))
	[ -n "$pid" ] || return 0
	kill -TERM "$pid" 2>/dev/null || return 0
	while kill -0 "$pid" 2>/dev/null; do
		if [ "$SECONDS" -ge "$end" ]; then
			echo "# PID $pid did not stop in $2 s: SIGKILL"
			kill -KILL "$pid" 2>/dev/null
			break
		fi
		sleep 0.5
	done
	wait "$pid" 2>/dev/null
}

# pcmk1_stop: stop pacemakerd, then corosync (by PID).
pcmk1_stop() {
	pcmk1__stop_pid "${pcmk1_ppid:-}" 90
	pcmk1__stop_pid "${pcmk1_cpid:-}" 30
	pcmk1_ppid="" pcmk1_cpid=""
}

# ---------------------------------------------------------------- a held node
# For tests that run agents beside the node (nsenter) while services stay
# outside: the node runs in its own namespaces for as long as the test needs it.
#
#   (in SCRIPT, first:) [ "${1:-}" = --hold ] && { shift; pcmk1_hold "$@"; exit; }
#   pcmk1_hold_up SCRIPT WORK SOCKS HOSTS WAIT_S PORT... || bail "$pcmk1_why"
#   nsenter -t "$pcmk1_inner" -n -m -u -i -p -- COMMAND...
#   pcmk1_hold_down WORK                        (in the EXIT trap)

# pcmk1_hold WORK SOCKS HOSTS PORT...: PID 1 of the namespaces. Brings node1 up
# with HOSTS (comma-separated, may be empty) as remote nodes, forwards each
# PORT on loopback to SOCKS/PORT.sock, says ready (WORK/ready; WORK/failed
# with the reason if not), holds until WORK/release exists, then stops.
pcmk1_hold() {
	local work=$1 socks=$2 hosts=$3 h p
	shift 3
	if ! pcmk1_setup "$work" node1; then
		echo "setup failed" >"$work/failed"
		return 1
	fi
	for h in ${hosts//,/ }; do
		CIB_file=$work/lib-pacemaker/cib/cib.xml cibadmin -C -o nodes \
			-X "<node id=\"$h\" uname=\"$h\" type=\"remote\"/>"
	done
	if ! pcmk1_start 120; then
		echo "node1 not online" >"$work/failed"
		pcmk1_stop
		return 1
	fi
	for p in "$@"; do
		socat "TCP-LISTEN:$p,bind=127.0.0.1,fork,reuseaddr,backlog=256" "UNIX-CONNECT:$socks/$p.sock" \
			2>/dev/null &
	done
	sleep 0.3
	touch "$work/ready"
	while [ ! -e "$work/release" ]; do sleep 0.5; done
	pcmk1_stop
}

# pcmk1_hold_up SCRIPT WORK SOCKS HOSTS WAIT_S PORT...: runs `SCRIPT --hold
# WORK SOCKS HOSTS PORT...` as PID 1 of new namespaces (output in
# WORK/cluster.out) and waits up to WAIT_S seconds for node1. Sets
# pcmk1_holder (the unshare process) and pcmk1_inner (PID 1 inside, for
# nsenter); on failure returns 1 with the reason in pcmk1_why.
pcmk1_hold_up() {
	local script=$1 work=$2 socks=$3 hosts=$4 wait_s=$5 i
	shift 5
	pcmk1_inner='' pcmk1_why=''
	unshare --net --mount --uts --ipc --pid --fork --mount-proc --kill-child=SIGTERM \
		--propagation private -- bash "$script" --hold "$work" "$socks" "$hosts" "$@" \
		>"$work/cluster.out" 2>&1 &
	pcmk1_holder=$!
	for ((i = 0; i < wait_s * 2; i++)); do
		[ -e "$work/ready" ] || [ -e "$work/failed" ] || ! kill -0 "$pcmk1_holder" 2>/dev/null && break
		sleep 0.5
	done
	if [ ! -e "$work/ready" ]; then
		pcmk1_why="the cluster node did not come up: $(cat "$work/failed" 2>/dev/null)"
		return 1
	fi
	pcmk1_inner=$(awk '{ print $1 }' "/proc/$pcmk1_holder/task/$pcmk1_holder/children" 2>/dev/null)
	# shellcheck disable=SC2034 # pcmk1_why is for the caller
	[ -n "$pcmk1_inner" ] || { pcmk1_why="no PID inside the namespaces"; return 1; }
}

# pcmk1_hold_down WORK: releases the held node (up to 60 s for its clean stop),
# then TERMs what is left of it.
pcmk1_hold_down() {
	local i
	[ -n "${pcmk1_holder:-}" ] || return 0
	touch "$1/release"
	for ((i = 0; i < 120; i++)); do kill -0 "$pcmk1_holder" 2>/dev/null || break; sleep 0.5; done
	kill -TERM "$pcmk1_holder" 2>/dev/null
	wait "$pcmk1_holder" 2>/dev/null
	pcmk1_holder=''
}
