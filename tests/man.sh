#!/bin/sh
#
# tests/man.sh: the manual pages are clean mdoc(7), and each SYNOPSIS
# says what its program's usage() says.
#
# Run by `make check` with top_srcdir, top_builddir and MANDOC (the
# path of mandoc(1), empty when configure found none) in the
# environment.  Without mandoc the test is skipped (exit 77), except
# under CI, where a skip would hide a failure.
#
# Output: one "ok N - what" or "not ok N - what" line per check, the
# offending output indented below a failure, then
# "man: P passed, F failed".  Exit 0 if nothing failed, else 1.

top_srcdir=${top_srcdir:-$(dirname "$0")/..}
top_builddir=${top_builddir:-$top_srcdir}
MANDOC=${MANDOC-}

n=0
passed=0
failed=0

ok() {
	n=$((n + 1))
	passed=$((passed + 1))
	echo "ok $n - $1"
}

not_ok() {
	n=$((n + 1))
	failed=$((failed + 1))
	echo "not ok $n - $1"
	if [ -n "$2" ]; then
		printf '%s\n' "$2" | sed 's/^/#   /'
	fi
}

skip() {
	n=$((n + 1))
	echo "ok $n - $1 # SKIP $2"
}

finish() {
	echo "man: $passed passed, $failed failed"
	[ "$failed" -eq 0 ] || exit 1
	exit 0
}

if [ -z "$MANDOC" ]; then
	if [ -n "${CI-}" ]; then
		not_ok "mandoc is available" "MANDOC is empty: install mandoc"
		finish
	fi
	echo "man: mandoc not found, skipping"
	exit 77
fi

PAGES="portcullis.8 portcullis.fcgi.8 portcullis.5"

# 1. mandoc -Tlint -Wwarning prints nothing and exits 0.
for page in $PAGES; do
	src=$top_srcdir/man/$page
	if [ ! -f "$src" ]; then
		not_ok "$page: lint" "no such file: $src"
		continue
	fi
	out=$("$MANDOC" -Tlint -Wwarning "$src" 2>&1)
	rc=$?
	if [ "$rc" -eq 0 ] && [ -z "$out" ]; then
		ok "$page: mandoc -Tlint -Wwarning is clean"
	else
		not_ok "$page: mandoc -Tlint -Wwarning is clean" \
		    "exit $rc
$out"
	fi
done

# The SYNOPSIS of page $1 as plain lines, one per command form.
synopsis() {
	bs=$(printf '\b')
	"$MANDOC" -Tascii -Owidth=300 "$top_srcdir/man/$1" |
	    sed "s/.$bs//g" |
	    sed -n '/^SYNOPSIS/,/^[A-Z]/p' |
	    sed -e '1d' -e '$d' -e '/^ *$/d' -e 's/^ *//' -e 's/  */ /g'
}

# The usage lines program $1 prints when called with arguments $2...,
# without "usage:" and indentation.
usage_of() {
	prog=$1
	shift
	"$prog" "$@" 2>&1 </dev/null |
	    sed -n -e 's/^usage: *//p' -e 's/^  *//p' |
	    sed 's/  */ /g'
}

# 2. Each SYNOPSIS matches the program's usage(), when it is built.
check_synopsis() {
	page=$1
	prog=$2
	shift 2
	if [ ! -x "$prog" ]; then
		skip "$page: SYNOPSIS matches usage()" "$prog not built"
		return
	fi
	want=$(usage_of "$prog" "$@")
	got=$(synopsis "$page")
	if [ -n "$want" ] && [ "$want" = "$got" ]; then
		ok "$page: SYNOPSIS matches usage()"
	else
		not_ok "$page: SYNOPSIS matches usage()" \
		    "usage():
$want
SYNOPSIS:
$got"
	fi
}

# 3. portcullis.fcgi.8 has an entry (.It Cm NAME) for every log reason
# of src/log.c's why_str[] but "none", and names every mode of
# src/request.c's mode_str[].
names_of() {
	sed -n "/^const char \*const $2\[/,/^};/s/.*= \"\([^\"]*\)\",\$/\1/p" \
	    "$top_srcdir/src/$1"
}
# check_words MIN WHAT PATTERN NAME...: at least MIN names were read.
check_words() {
	min=$1
	what=$2
	pattern=$3
	shift 3
	missing=
	for w in "$@"; do
		grep -q "^$(printf "$pattern" "$w")\$" \
		    "$top_srcdir/man/portcullis.fcgi.8" ||
		    missing="$missing $w"
	done
	if [ $# -ge "$min" ] && [ -z "$missing" ]; then
		ok "portcullis.fcgi.8: every $what ($#)"
	else
		not_ok "portcullis.fcgi.8: every $what ($#)" \
		    "missing:${missing:- (too few names read)}"
	fi
}
check_words 20 "log reason= in LOGGING" '.It Cm %s' \
    $(names_of log.c why_str | grep -vx none)
check_words 4 "mode in Modes" '.It Cm %s' $(names_of request.c mode_str)

check_synopsis portcullis.8 "$top_builddir/src/portcullis"
check_synopsis portcullis.fcgi.8 "$top_builddir/cgi-bin/portcullis.fcgi" -Z

finish
