#!/bin/sh
# fuzz.sh: every libFuzzer driver of fuzz/ for a bounded time, as CI
# runs them (tests/run.sh).  Configures build-fuzz/ below the checkout
# with CC=clang --enable-fuzzing, runs `make fuzz` for FUZZ_SECONDS
# (default 60) per driver, and prints "fuzz: NAME: N executions, cov
# C" for each.  Exit 1 on any crash, leak, timeout or failed property,
# naming the reproducer (build-fuzz/fuzz/work/NAME-crash-...: replay
# it with build-fuzz/fuzz/fuzz_NAME FILE).  Exit 77 (skip) without
# clang or libFuzzer, unless $CI is set: there it is a failure.
set -u
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-60}
jobs=$(nproc 2>/dev/null || echo 2)

missing()
{
	if [ -n "${CI-}" ]; then
		echo "fuzz: $1 (CI needs it: tests/deps.sh)"
		exit 1
	fi
	echo "fuzz: $1, skipping"
	exit 77
}

command -v clang >/dev/null 2>&1 || missing "clang not found"
printf '%s\n' '#include <stddef.h>' '#include <stdint.h>' \
    'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)' \
    '{ (void)d; (void)n; return 0; }' |
    clang -x c -fsanitize=fuzzer -o /dev/null - >/dev/null 2>&1 ||
    missing "clang cannot link libFuzzer (libfuzzer-14-dev)"

[ -f configure ] || autoreconf -fi >/dev/null 2>&1 || exit 1
rm -rf build-fuzz && mkdir build-fuzz && cd build-fuzz || exit 1
if ! ../configure -q CC=clang --enable-fuzzing >configure.log 2>&1 ||
    ! make -s -j"$jobs" >make.log 2>&1; then
	tail -40 configure.log make.log 2>/dev/null
	echo "fuzz: the build failed"
	exit 1
fi
make -s fuzz FUZZ_SECONDS="$seconds" 2>&1 | tee fuzz.log
if [ "$(grep -c '^fuzz: [a-z]*: .* executions, cov ' fuzz.log)" -ne \
    "$(grep -c '^fuzz: [a-z]* for ' fuzz.log)" ] ||
    grep -q '^fuzz: FAILED' fuzz.log ||
    ! grep -q '^fuzz: [a-z]* for ' fuzz.log; then
	echo "fuzz: FAILED (reproducers named above, in build-fuzz/fuzz/work/)"
	exit 1
fi
echo "fuzz: every driver ran ${seconds} s without a finding"
