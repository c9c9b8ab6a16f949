# shellcheck shell=sh
# Conformance cases specific to galera, sourced by run.sh (which provides
# expect, run, ok, not_ok, $tmp, $baseline, $agent_name). No case starts a
# server (the "binary" is a stub that fails) and no cluster answers (CIB_file
# names no file, attrd is absent): heartbeat-tests/galera/run.sh runs the
# agent against a real Galera cluster.

# shellcheck disable=SC2154 # $tmp, $baseline and $agent_name come from run.sh

gal_dir=$tmp/$agent_name-conf
mkdir -p "$gal_dir/data" "$gal_dir/run"
printf '[mysqld]\nwsrep_on=ON\n' >"$gal_dir/my.cnf"
printf '#!/bin/sh\nexit 1\n' >"$gal_dir/mariadbd"
chmod 755 "$gal_dir/mariadbd"
gal_secret=lb-conformance-galera-secret

agent_baseline() {
	baseline="$baseline
OCF_RESKEY_wsrep_cluster_address=gcomm://lbconf-node,lbconf-b:4567,lbconf-c
OCF_RESKEY_binary=$gal_dir/mariadbd
OCF_RESKEY_config=$gal_dir/my.cnf
OCF_RESKEY_datadir=$gal_dir/data
OCF_RESKEY_user=$(id -un)
OCF_RESKEY_group=$(id -gn)
OCF_RESKEY_log=$gal_dir/error.log
OCF_RESKEY_pid=$gal_dir/run/mysqld.pid
OCF_RESKEY_socket=$gal_dir/run/mysqld.sock
OCF_RESKEY_check_passwd=$gal_secret
OCF_RESKEY_CRM_meta_on_node=lbconf-node
OCF_RESKEY_CRM_meta_promotable=true
OCF_RESKEY_CRM_meta_promoted_max=3"
}

agent_matrix() {
	recurring=OCF_RESKEY_CRM_meta_interval=10000
	missing=$tmp/no-such-dir

	# The cluster address and the name map.
	for v in node1,node2 "gcomm://" "gcomm:// , ," "http://node1"; do
		expect "6:wsrep_cluster_address" "validate-all with wsrep_cluster_address='$v'" - \
			"OCF_RESKEY_wsrep_cluster_address=$v" -- validate-all
	done
	expect "6:cluster_host_map" "validate-all with cluster_host_map='garbage'" - \
		OCF_RESKEY_cluster_host_map=garbage -- validate-all
	expect "6:member" "start on a node that is not in the address" - \
		OCF_RESKEY_CRM_meta_on_node=elsewhere -- start
	expect "6:galera name" "start on a node the host map does not name" - \
		"OCF_RESKEY_cluster_host_map=lbconf-b:b;lbconf-c:c" -- start
	expect 0 "validate-all with a host map" - \
		"OCF_RESKEY_cluster_host_map=lbconf-node:lbconf-node;lbconf-b:lbconf-b" -- validate-all
	expect "6:promotable" "start outside a promotable clone" - OCF_RESKEY_CRM_meta_promotable= \
		OCF_RESKEY_CRM_meta_promoted_max= -- start

	# What this node must have: datadir, config, binary, user, group.
	for case in "datadir:$missing/data:Datadir" "config:$missing/my.cnf:Config" \
		"binary:$missing/mariadbd:couldn't find command"; do
		p=${case%%:*}
		rest=${case#*:}
		v=${rest%%:*}
		word=${rest#*:}
		expect "5:$word" "validate-all with a missing $p" - "OCF_RESKEY_$p=$v" -- validate-all
		expect "5:$word" "start with a missing $p" - "OCF_RESKEY_$p=$v" -- start
		expect 7 "probe with a missing $p" - "OCF_RESKEY_$p=$v" -- monitor
		expect 0 "stop with a missing $p" - "OCF_RESKEY_$p=$v" -- stop
	done
	expect "5:User" "validate-all with an unknown user" - OCF_RESKEY_user=lb-no-such-user \
		-- validate-all
	expect "5:Group" "validate-all with an unknown group" - OCF_RESKEY_group=lb-no-such-group \
		-- validate-all
	expect "5:Datadir" "validate-all with a file as datadir" - "OCF_RESKEY_datadir=$gal_dir/my.cnf" \
		-- validate-all

	# Nothing runs, no cluster answers.
	expect 7 "probe, nothing running" - -- monitor
	expect 7 "recurring monitor, nothing running" - "$recurring" -- monitor
	expect 7 "status, nothing running" - -- status
	expect 0 "stop, nothing running" - -- stop
	expect 0 "post-start notification" - OCF_RESKEY_CRM_meta_notify_type=post \
		OCF_RESKEY_CRM_meta_notify_operation=start -- notify
	expect 0 "pre-stop notification" - OCF_RESKEY_CRM_meta_notify_type=pre \
		OCF_RESKEY_CRM_meta_notify_operation=stop -- notify
	expect "1:Unable to detect last known write sequence number" \
		"start when --wsrep-recover finds no position" - -- start
	expect "1:Primary Component" "promote with no Primary Component and no election" - -- promote
	printf '%s\n' "$$" >"$gal_dir/run/mysqld.pid" # a live process, but not the server
	expect 7 "probe with a pid file naming another process" - -- monitor
	if [ -e "$gal_dir/run/mysqld.pid" ]; then
		not_ok "$agent_name: a stale pid file is removed"
	else
		ok "$agent_name: a stale pid file is removed"
	fi
	if grep -rqF "$gal_secret" "$tmp/$agent_name.log" "$gal_dir" 2>/dev/null; then
		not_ok "$agent_name: check_passwd is in no log"
	else
		ok "$agent_name: check_passwd is in no log"
	fi
}
