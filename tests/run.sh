#!/bin/sh
# run.sh: every test, from a clean checkout.  The README's test
# command and what .ci/run calls.
#  1. the sanitizer build (ASan + UBSan, warnings are errors):
#     make check = the Check suites, then the CLI, CGI, FastCGI and
#     lighttpd integration tests and the man page lint;
#  2. a plain build for the 60-second soak (tests/soak.sh: nginx,
#     wrk and the CLI changing the policy; plain, because ASan's
#     quarantine makes worker RSS grow by design);
#  3. the libFuzzer drivers, FUZZ_SECONDS (60) each (tests/fuzz.sh:
#     clang, --enable-fuzzing; a finding fails);
#  4. a plain build whose Check suites run again under valgrind;
#  5. make distcheck (the tarball builds, installs and passes).
# Builds go to build-*/ below the checkout.
set -eu
cd "$(dirname "$0")/.."
top=$(pwd)
jobs=$(nproc 2>/dev/null || echo 2)

sh tests/deps.sh
autoreconf -fi >/dev/null 2>&1 || autoreconf -fi

failed=0
nsteps=0
skipped=0
step()
{
	nsteps=$((nsteps + 1))
	echo "=== $*"
}

step "sanitizer build: make check"
rm -rf build-asan && mkdir build-asan
( cd build-asan && ../configure -q --enable-werror --enable-asan &&
    make -s -j"$jobs" && make -j"$jobs" check ) || {
	cat build-asan/test-suite.log 2>/dev/null | tail -80
	failed=$((failed + 1))
}

step "soak: tests/soak.sh, 60 s, in a plain build"
rm -rf build-soak && mkdir build-soak
( cd build-soak && ../configure -q --enable-werror &&
    make -s -j"$jobs" && top_srcdir=$top sh ../tests/soak.sh ) ||
    failed=$((failed + 1))

step "fuzz: every driver for ${FUZZ_SECONDS:-60} s"
rc=0
sh tests/fuzz.sh || rc=$?
if [ "$rc" -eq 77 ]; then
	skipped=$((skipped + 1))
elif [ "$rc" -ne 0 ]; then
	failed=$((failed + 1))
fi

step "valgrind: the Check suites"
rm -rf build-vg && mkdir build-vg
( cd build-vg && ../configure -q --enable-werror && make -s -j"$jobs" &&
    make -s check-valgrind ) || failed=$((failed + 1))

step "make distcheck"
( cd build-vg && make -s distcheck >distcheck.log 2>&1 &&
    grep 'archives ready' distcheck.log ) ||
    { tail -40 build-vg/distcheck.log; failed=$((failed + 1)); }

passed=$((nsteps - failed - skipped))
if [ "$skipped" -gt 0 ]; then
	echo "run: $passed passed, $failed failed, $skipped skipped"
else
	echo "run: $passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
