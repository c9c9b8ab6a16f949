# shellcheck shell=bash
# tap.sh - the TAP line of the suites: `ok DESCRIPTION COMMAND...` (or its
# other name, `check`) runs COMMAND and prints "ok N - DESCRIPTION" or
# "not ok N - DESCRIPTION" from its exit status, counting in num, pass and
# fail. Each suite prints its own plan and "N passed, N failed" from them.
# `eventually SECONDS COMMAND...` retries COMMAND every second until it
# succeeds (status 0) or SECONDS have passed (status 1); `not COMMAND...`
# inverts a status, for ok and eventually.
num=${num:-0} pass=${pass:-0} fail=${fail:-0}

ok() { # ok DESCRIPTION COMMAND...
	local desc=$1
	shift
	num=$((num + 1))
	if "$@"; then
		pass=$((pass + 1))
		echo "ok $num - $desc"
	else
		fail=$((fail + 1))
		echo "not ok $num - $desc"
	fi
}

check() { ok "$@"; }

eventually() { # eventually SECONDS COMMAND...
	local end=$((SECONDS + $1))
	shift
	until "$@"; do
		[ "$SECONDS" -lt "$end" ] || return 1
		sleep 1
	done
}

not() { ! "$@"; }
