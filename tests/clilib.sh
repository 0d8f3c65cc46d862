# clilib.sh: the harness of the tests that drive the `portcullis`
# admin program (cli.sh, import.sh, export.sh, lint.sh, hosts.sh,
# hashcost.sh), built on tests/lib.sh ($work, ok/fail, finish, the
# cleanup on exit).  Source it; it adds:
#   $P        the built program ($ADMIN)
#   $T, $DB   the temporary directory ($work) and $T/auth.db
#   run/expect/sql/result   assertions that print "ok N - ..." or
#                           "not ok N - ..." through ok and fail.
#   $SCHEMA   the schema version (one per sql/NNNN-*.sql migration)
#   created DB, migrated DB FROM: the line `init` prints for each.

. "${top_srcdir:-.}/tests/lib.sh"
P=$ADMIN
unset PORTCULLIS_DB
T=$work
DB=$T/auth.db
SCHEMA=$(ls "$top_srcdir"/sql/[0-9][0-9][0-9][0-9]-*.sql | wc -l)

created() {
	echo "created $1 (schema $SCHEMA; lockout state $1-state)"
}

migrated() {
	echo "migrated $1 from schema $2 to $SCHEMA (lockout state $1-state)"
}

# lines TEXT: TEXT and a newline, or nothing for "".
lines() {
	[ -z "$1" ] || printf '%s\n' "$1"
}

# result OK DESC: one assertion's outcome, OK 1 (passed) or 0.
result() {
	if [ "$1" -eq 1 ]; then
		ok "$2"
	else
		fail "$2"
	fi
}

# run [-i INPUT] ARG...: run portcullis with INPUT (printf %s, so give
# the newline) or nothing on stdin; keep stdout, stderr and status.
run() {
	if [ "${1:-}" = -i ]; then
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
