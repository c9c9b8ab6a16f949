# shellcheck shell=sh
# Conformance cases specific to VirtualDomain, sourced by run.sh (which
# provides expect, run, $tmp, $baseline). The hypervisor is libvirt's
# in-process test driver (test:///default): no daemon, a fresh state in every
# agent process, with one running domain called "test".

# shellcheck disable=SC2154 # $tmp and $baseline come from run.sh

vd_conf=$tmp/VirtualDomain-lbconf.xml
vd_running=$tmp/VirtualDomain-test.xml

cat >"$vd_conf" <<'EOF'
<domain type='test'>
  <name>lbconf</name>
  <memory unit='MiB'>64</memory>
  <vcpu>1</vcpu>
  <os><type>hvm</type></os>
</domain>
EOF
sed 's|<name>lbconf</name>|<name>test</name>|' "$vd_conf" >"$vd_running"
printf 'this is not a domain\n' >"$tmp/VirtualDomain-garbage.xml"
printf "<domain type='test'><memory>1024</memory></domain>\n" >"$tmp/VirtualDomain-noname.xml"

# A valid configuration; utilization updates off, so nothing reaches a CIB.
agent_baseline() {
	baseline="$baseline
OCF_RESKEY_config=$vd_conf
OCF_RESKEY_hypervisor=test:///default
OCF_RESKEY_autoset_utilization_cpu=false
OCF_RESKEY_autoset_utilization_host_memory=false
OCF_RESKEY_autoset_utilization_hv_memory=false"
}

agent_matrix() {
	missing=$tmp/no-such-dir/missing.xml
	cfg="OCF_RESKEY_config=$missing"
	recurring=OCF_RESKEY_CRM_meta_interval=10000

	# A configuration file that does not exist, as ocf:heartbeat:VirtualDomain answers.
	expect "5:$missing" "validate-all with a missing config file" - "$cfg" -- validate-all
	expect "5:$missing" "start with a missing config file" - "$cfg" -- start
	expect 7 "probe with a missing config file" - "$cfg" -- monitor
	expect "1:$missing" "recurring monitor with a missing config file" - "$cfg" "$recurring" -- monitor
	expect 0 "stop with a missing config file" - "$cfg" -- stop
	expect "5:$missing" "migrate_to with a missing config file" - "$cfg" \
		OCF_RESKEY_CRM_meta_migrate_target=node2 -- migrate_to
	expect "5:$missing" "migrate_from with a missing config file" - "$cfg" -- migrate_from

	# A config file that is not a domain, or has no name (the peer: 5, 5, 7, 0).
	for f in garbage noname; do
		cfg=OCF_RESKEY_config=$tmp/VirtualDomain-$f.xml
		expect "5:$f" "validate-all with a $f config file" - "$cfg" -- validate-all
		expect "5:$f" "start with a $f config file" - "$cfg" -- start
		expect 7 "probe with a $f config file" - "$cfg" -- monitor
		expect 0 "stop with a $f config file" - "$cfg" -- stop
	done
	expect 5 "validate-all with a directory as config" - "OCF_RESKEY_config=$tmp" -- validate-all

	# A reachable hypervisor: the test driver's state, fresh in every process.
	expect 7 "probe of a domain that is not defined" - -- monitor
	expect 0 "stop of a domain that is not defined" - -- stop
	expect 0 "probe of the test driver's running domain" - "OCF_RESKEY_config=$vd_running" -- monitor
	expect 0 "recurring monitor of a running domain" - "OCF_RESKEY_config=$vd_running" \
		"$recurring" -- monitor
	mkdir -p "$tmp/VirtualDomain-start"
	expect 0 "start (create from config)" - "HA_RSCTMP=$tmp/VirtualDomain-start" \
		OCF_RESKEY_CRM_meta_timeout=20000 -- start
	expect "2:migrate_target" "migrate_to without a migration target" - \
		"OCF_RESKEY_config=$vd_running" -- migrate_to

	# An unreachable hypervisor is an error, never "not running".
	bad=OCF_RESKEY_hypervisor=test:///nonexistent/lb-conformance.xml
	expect "1:test:///nonexistent" "recurring monitor with an unreachable hypervisor" - \
		"$bad" "$recurring" -- monitor
	expect "1:test:///nonexistent" "start with an unreachable hypervisor" - "$bad" -- start
	expect "1:test:///nonexistent" "stop with an unreachable hypervisor" - "$bad" -- stop
	expect "1|5" "probe with an unreachable hypervisor" - "$bad" -- monitor

	# Parameter values the table cannot check.
	expect 6:shutdown_mode "unknown shutdown_mode" - OCF_RESKEY_shutdown_mode=reboot -- validate-all
	expect 0 "shutdown_mode=acpi,agent" - OCF_RESKEY_shutdown_mode=acpi,agent -- validate-all
	expect 6:migrate_options "unknown migrate_options" - "OCF_RESKEY_migrate_options=--frobnicate" -- validate-all
	expect 6:migrate_options "migrate_options with a bad --bandwidth" - \
		"OCF_RESKEY_migrate_options=--bandwidth=fast" -- validate-all
	expect 0 "migrate_options=--p2p --tunnelled --migrateuri=tcp://%n" - \
		"OCF_RESKEY_migrate_options=--p2p --tunnelled --migrateuri=tcp://%n" -- validate-all
	expect 6:snapshot "force_stop together with snapshot" - OCF_RESKEY_force_stop=true \
		"OCF_RESKEY_snapshot=$tmp" -- validate-all
	expect 6:migrateport "migrateport 0" - OCF_RESKEY_migrateport=0 -- validate-all
	expect 6:migrateport "migrateport 65536" - OCF_RESKEY_migrateport=65536 -- validate-all
	expect 0 "migrateport 49152" - OCF_RESKEY_migrateport=49152 -- validate-all
	expect 6:migration_downtime "negative migration_downtime" - OCF_RESKEY_migration_downtime=-1 -- validate-all

	# Accepted by name but not implemented: refused when used.
	expect 6:backingfile "backingfile set" - "OCF_RESKEY_backingfile=$vd_conf" -- validate-all
	expect 6:backingfile "start with backingfile set" - "OCF_RESKEY_backingfile=$vd_conf" -- start
	expect 6:stateless "stateless=true" - OCF_RESKEY_stateless=true -- validate-all
	expect 0 "stateless=false" - OCF_RESKEY_stateless=false -- validate-all
	expect 6:copyindirs "copyindirs set" - "OCF_RESKEY_copyindirs=$tmp" -- validate-all

	# Monitor scripts run without a shell and fail the monitor with a reason.
	expect 0 "monitor_scripts=/bin/true" - "OCF_RESKEY_config=$vd_running" \
		OCF_RESKEY_monitor_scripts=/bin/true "$recurring" -- monitor
	expect "1:/bin/false" "monitor_scripts=/bin/false" - "OCF_RESKEY_config=$vd_running" \
		OCF_RESKEY_monitor_scripts=/bin/false "$recurring" -- monitor
	expect 1 "monitor_scripts not found" - "OCF_RESKEY_config=$vd_running" \
		"OCF_RESKEY_monitor_scripts=$tmp/no-such-script" "$recurring" -- monitor
	touch "$tmp/VirtualDomain-pwned"
	expect 1 "monitor_scripts with shell syntax is not run by a shell" - \
		"OCF_RESKEY_config=$vd_running" "OCF_RESKEY_monitor_scripts=rm;$tmp/VirtualDomain-pwned" \
		"$recurring" -- monitor
	if [ -e "$tmp/VirtualDomain-pwned" ]; then
		ok "$agent_name: monitor_scripts did not go through a shell"
	else
		not_ok "$agent_name: monitor_scripts did not go through a shell" "the file was removed"
	fi
}
