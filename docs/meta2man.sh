#!/bin/sh
# Usage: meta2man.sh AGENT-BINARY > page.7   (man page from the agent's metadata)
set -e
dir=$(dirname "$0")
"$1" meta-data | xsltproc --nonet --novalid "$dir/ra2man.xsl" -
