#!/bin/bash
# Live migration between two libvirtds, driven the way Pacemaker does it:
#   migrate_to   on the source (hypervisor=URI1), with
#                OCF_RESKEY_CRM_meta_migrate_source=127.0.0.2 and
#                OCF_RESKEY_CRM_meta_migrate_target=127.0.0.3 (node names are
#                the daemons' addresses: the agent puts the target node name
#                into the host part of the hypervisor URI), migrateuri=tcp://%n
#   migrate_from on the target (hypervisor=URI2).
# Proof that the guest was moved live and not restarted:
#   - the domain on the target has the same UUID and is "running (migrated)";
#   - the target's QEMU is a new process that was started with -incoming, and
#     the source's QEMU is gone;
#   - random bytes written into the guest's CMOS NVRAM (I/O ports 0x70/0x71,
#     via HMP) before the migration read back the same on the target. A fresh
#     boot starts with them zeroed (checked before writing).
set -uo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=common.sh
. "$(dirname "$0")/common.sh"

DOM=lbt-mig-$RUN_ID
RSC=vd-mig
CFG=$WORK/$DOM.xml
HV=$URI1
TMO=60000
trap 'scrub_domain "$URI1" "$DOM"; scrub_domain "$URI2" "$DOM"' EXIT
make_guest "$DOM"
scrub_domain "$URI1" "$DOM"
scrub_domain "$URI2" "$DOM"
MIG=(OCF_RESKEY_CRM_meta_migrate_source="$ADDR1" OCF_RESKEY_CRM_meta_migrate_target="$ADDR2"
	OCF_RESKEY_migrateuri='tcp://%n')
CMOS_BASE=0x40 # 0x40.. is free NVRAM on QEMU's PC CMOS

hmp() { vsh "$1" qemu-monitor-command --hmp "$DOM" "$2" 2>&1 | tr -d '\r'; }
# cmos_read URI N -> N bytes from CMOS_BASE, as "aa bb cc dd"
cmos_read() {
	local i out v bytes=()
	for ((i = 0; i < $2; i++)); do
		hmp "$1" "o /b 0x70 $((CMOS_BASE + i))" >/dev/null
		out=$(hmp "$1" "i /b 0x71")
		v=$(sed -n 's/.*= 0x\([0-9a-fA-F]*\).*/\1/p' <<<"$out")
		if [ -n "$v" ]; then bytes+=("$(printf %02x "0x$v")"); else bytes+=("??"); fi
	done
	echo "${bytes[*]}"
}
cmos_write() { # URI "aa bb .."
	local i=0 b
	for b in $2; do
		hmp "$1" "o /b 0x70 $((CMOS_BASE + i))" >/dev/null
		hmp "$1" "o /b 0x71 0x$b" >/dev/null
		i=$((i + 1))
	done
}

agent start
expect_rc "start on the source" 0
IV=10000 agent monitor
expect_rc "monitor on the source" 0
IV=0 HV=$URI2 agent monitor
expect_rc "probe on the target: not running there" 7
uuid=$(vsh "$URI1" domuuid "$DOM" 2>/dev/null | head -n1)
src_pid=$(qemu_pid 1 "$DOM")
check "source QEMU runs (pid ${src_pid:-none})" test -n "$src_pid"

assert_eq "CMOS marker area is zero after boot" "$(cmos_read "$URI1" 4)" "00 00 00 00"
marker=$(od -An -N4 -tx1 /dev/urandom | tr -s ' ' | sed 's/^ //; s/ $//')
# never all-zero, so it cannot match a fresh boot
[ "$marker" != "00 00 00 00" ] || marker="a5 5a c3 3c"
cmos_write "$URI1" "$marker"
assert_eq "marker written into guest CMOS on the source" "$(cmos_read "$URI1" 4)" "$marker"

agent migrate_to "${MIG[@]}"
expect_rc "migrate_to $ADDR1 -> $ADDR2" 0
HV=$URI2 agent migrate_from "${MIG[@]}"
expect_rc "migrate_from on $ADDR2" 0

assert_eq "target: running, reason migrated" "$(domreason "$URI2" "$DOM")" "running (migrated)"
assert_eq "target: same domain UUID" "$(vsh "$URI2" domuuid "$DOM" 2>/dev/null | head -n1)" "$uuid"
dst_pid=$(qemu_pid 2 "$DOM")
check "target QEMU runs (pid ${dst_pid:-none})" test -n "$dst_pid"
check "target QEMU is a new process (${dst_pid:-none} != $src_pid)" test "${dst_pid:-x}" != "$src_pid"
check "target QEMU was started as a migration target (-incoming)" \
	grep -qz -- '^-incoming$' "/proc/${dst_pid:-0}/cmdline"
check "source QEMU $src_pid is gone" wait_pid_gone "$src_pid" 5
st=$(domstate "$URI1" "$DOM")
check "source: domain not running there ($st)" is_stopped "$st"
assert_eq "guest CMOS marker survived (guest not rebooted)" "$(cmos_read "$URI2" 4)" "$marker"

HV=$URI2 IV=10000 agent monitor
expect_rc "monitor on the target" 0
IV=10000 agent monitor
expect_rc "monitor on the source: not running" 7
agent stop
expect_rc "stop on the source (nothing there)" 0
assert_eq "target still running after the source's stop" "$(domstate "$URI2" "$DOM")" running

finish
