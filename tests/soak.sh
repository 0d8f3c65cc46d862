#!/bin/sh
# soak.sh: the CI soak (issue 10, section 3): bench/soak.sh for
# SOAK_SECONDS (60 by default) on ports 18900-18923, in the build tree
# $top_builddir (default: the current directory).  Not in make check
# (make distcheck would run it twice): tests/run.sh runs it once, in a
# plain build of its own.  A missing tool is a SKIP (77) on a
# developer's laptop and a failure in CI.
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
PATH=$PATH:/usr/sbin:/sbin
for t in nginx wrk curl sqlite3 mkpasswd; do
	command -v "$t" >/dev/null 2>&1 && continue
	if [ -n "${CI:-}" ]; then
		echo "not ok 1 - $t is not installed (CI must have it)"
		exit 1
	fi
	echo "SKIP: $t is not installed"
	exit 77
done
SOAK_SECONDS=${SOAK_SECONDS:-60} SOAK_PORT=${SOAK_PORT:-18900} \
    exec sh "$top_srcdir/bench/soak.sh" "${top_builddir:-.}"
