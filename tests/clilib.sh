# clilib.sh: the harness of the tests that drive the `portcullis`
# admin program (cli.sh, import.sh, export.sh, lint.sh).  Set $name
# (for the temporary directory) and source it; it sets up:
#   $P        the built program
#   $T, $DB   a fresh temporary directory (removed on exit), $T/auth.db
#   run/expect/sql/result   assertions that print "ok N - ..." or
#                           "not ok N - ..." and count them in
#                           $npass/$nfail.

: "${top_builddir:?top_builddir must be set}"
P=$top_builddir/src/portcullis
SQLITE3=${SQLITE3:-sqlite3}
unset PORTCULLIS_DB

T=$(mktemp -d "${TMPDIR:-/tmp}/portcullis-${name:-cli}.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
trap 'exit 1' HUP INT TERM
DB=$T/auth.db
n=0
npass=0
nfail=0

# lines TEXT: TEXT and a newline, or nothing for "".
lines() {
	[ -z "$1" ] || printf '%s\n' "$1"
}

# result OK DESC: count and print one assertion's outcome.
result() {
	n=$((n + 1))
	if [ "$1" -eq 1 ]; then
		npass=$((npass + 1))
		echo "ok $n - $2"
	else
		nfail=$((nfail + 1))
		echo "not ok $n - $2"
	fi
}

# run [-i INPUT] ARG...: run portcullis with INPUT (printf %s, so give
# the newline) or nothing on stdin; keep stdout, stderr and status.
run() {
	if [ "$1" = -i ]; then
		printf '%s' "$2" >"$T/in"
		shift 2
	else
		: >"$T/in"
	fi
	"$P" "$@" <"$T/in" >"$T/out" 2>"$T/err"
	rc=$?
}

# expect DESC RC STDOUT STDERR: the last run exited RC and printed
# exactly STDOUT and STDERR (lines; "" for nothing).
expect() {
	_ok=1
	lines "$3" >"$T/wout"
	lines "$4" >"$T/werr"
	[ "$rc" -eq "$2" ] || _ok=0
	cmp -s "$T/wout" "$T/out" || _ok=0
	cmp -s "$T/werr" "$T/err" || _ok=0
	result $_ok "$1"
	if [ $_ok -eq 0 ]; then
		echo "# exit $rc, want $2"
		diff "$T/wout" "$T/out" | sed 's/^/# stdout: /'
		diff "$T/werr" "$T/err" | sed 's/^/# stderr: /'
	fi
}

# sql DESC QUERY WANT: QUERY on $DB prints exactly WANT (lines).
sql() {
	lines "$3" >"$T/wsql"
	"$SQLITE3" -batch "$DB" "$2" >"$T/sql" 2>&1
	if cmp -s "$T/wsql" "$T/sql"; then
		result 1 "$1"
	else
		result 0 "$1"
		diff "$T/wsql" "$T/sql" | sed 's/^/# /'
	fi
}
