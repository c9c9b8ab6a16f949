#!/bin/bash
# Print the libvirt domain XML of a tiny diskless QEMU TCG guest.
#
# Usage: guest.sh NAME [MEM_MIB]   (MEM_MIB defaults to 64)
#
# The guest has no disk and no NIC: it stays in SeaBIOS ("No bootable
# device") forever (rebootTimeout=-1), so it ignores ACPI shutdown requests
# and can only be stopped by destroy. It has no host-specific devices
# (no graphics, null serial, no balloon/USB), so it live-migrates between two
# libvirtds on the same host. on_poweroff/on_crash are destroy.
set -euo pipefail

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
	echo "usage: $0 NAME [MEM_MIB]" >&2
	exit 2
fi
name=$1
mem=${2:-64}
case $name in '' | *[!A-Za-z0-9_.-]*) echo "guest.sh: bad NAME '$name'" >&2; exit 2 ;; esac
case $mem in '' | *[!0-9]*) echo "guest.sh: bad MEM_MIB '$mem'" >&2; exit 2 ;; esac

cat <<EOF
<domain type='qemu'>
  <name>$name</name>
  <memory unit='MiB'>$mem</memory>
  <currentMemory unit='MiB'>$mem</currentMemory>
  <vcpu placement='static'>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <boot dev='hd'/>
    <bios rebootTimeout='-1'/>
  </os>
  <features>
    <acpi/>
  </features>
  <cpu mode='custom' match='exact' check='none'>
    <model fallback='forbid'>qemu64</model>
  </cpu>
  <clock offset='utc'/>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>restart</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <controller type='usb' model='none'/>
    <serial type='null'/>
    <video>
      <model type='none'/>
    </video>
    <memballoon model='none'/>
  </devices>
</domain>
EOF
