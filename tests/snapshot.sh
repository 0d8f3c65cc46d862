#!/bin/sh
# snapshot.sh: the compiled policy of a running FastCGI process
# (portcullis.fcgi -s, driven by cgi-fcgi) follows the database.
#
# Each change made with the sqlite3 shell or the CLI applies to the
# very next request: a rule added, a rule deleted, the realm, the
# database replaced with `portcullis replace`, a migration from an
# older user_version.  An admin holding BEGIN IMMEDIATE with an
# uncommitted change does not stop decisions (they go on on the last
# committed state; after COMMIT the next request sees the change).
# A database that cannot be read (another schema version, a corrupt
# schema, a file that is not a database, no file) is a 500, never the
# old policy.
. "${top_srcdir:-.}/tests/lib.sh"
# The schema version this build makes: the number of sql/NNNN-*.sql.
SCHEMA=$(ls "$top_srcdir"/sql/[0-9][0-9][0-9][0-9]-*.sql | wc -l)

command -v cgi-fcgi >/dev/null 2>&1 ||
    skip_or_fail "cgi-fcgi (libfcgi-bin) is not installed"
demo_setup "$work" || { fail "demo database"; finish snapshot; }
db=$work/auth.db

sock=$work/portcullis.sock
PORTCULLIS_DB=$db "$FCGI" -s "$sock" </dev/null 2>"$work/fcgi.err" &
fpid=$!
started $fpid
wait_socket "$sock" $fpid && ok "listening on $sock" || fail "no socket"

# send SOCK METHOD TARGET USER PASS OUT: one decision, asked as Caddy's
# forward_auth asks (every status as decided, no file served); USER
# "-" sends no credentials.
send()
{
	_auth=
	[ "$4" != - ] && _auth="HTTP_AUTHORIZATION=Basic $(b64 "$4:$5")"
	env -i PORTCULLIS_MODE=forward_auth PORTCULLIS_METHOD="$2" \
	    PORTCULLIS_URI="$3" REQUEST_METHOD=GET REQUEST_URI=/auth \
	    REMOTE_ADDR=127.0.0.1 ${_auth:+"$_auth"} \
	    timeout 10 cgi-fcgi -bind -connect "$1" </dev/null >"$6" \
	    2>>"$work/cgi-fcgi.err"
	split_response "$6"
}

# expect WHAT METHOD TARGET USER PASS STATUS [HEADER]: the running
# process answers STATUS (and the header line HEADER).
n=0
expect()
{
	n=$((n + 1))
	send "$sock" "$2" "$3" "$4" "$5" "$work/r$n"
	check_eq "$1: status" "$(cat "$work/r$n.status")" "$6"
	if [ $# -gt 6 ]; then
		grep -qxF -- "$7" "$work/r$n.hdr" && ok "$1: $7" ||
		    fail "$1: no [$7] in: $(tr '\n' '|' <"$work/r$n.hdr")"
	fi
}

sql()
{
	"$SQLITE3" -batch "$db" "$1" >>"$work/sqlite3.out" 2>&1 ||
	    fail "sqlite3: $1: $(tail -1 "$work/sqlite3.out")"
}

# wait_file PATH: wait (bounded, 5 s) until PATH exists.
wait_file()
{
	_i=0
	while [ $_i -lt 100 ] && [ ! -e "$1" ]; do
		sleep 0.05
		_i=$((_i + 1))
	done
	[ -e "$1" ]
}

realm()
{
	echo "WWW-Authenticate: Basic realm=\"$1\", charset=\"UTF-8\""
}

# --- changes made in the sqlite3 shell, at the next request ----------
expect "no rule yet" GET /new/x - - 403
sql "INSERT INTO rules (pattern, methods, principal)
    VALUES ('/new/**', 'GET', 'all')"
expect "rule added" GET /new/x - - 200
sql "INSERT INTO rules (pattern, methods, principal)
    VALUES ('/new/secret', 'GET', 'admin')"
expect "more specific rule added" GET /new/secret - - 401
expect "... the rest unchanged" GET /new/other - - 200
sql "DELETE FROM rules WHERE pattern = '/new/**'"
expect "rule deleted: its resource supports nothing" GET /new/x - - 405 \
    "Allow: "
sql "DELETE FROM resources WHERE pattern = '/new/**'"
expect "resource deleted" GET /new/x - - 403
expect "realm before" GET /docs/guide.txt - - 401 "$(realm "Portcullis demo")"
sql "UPDATE settings SET value = 'Changed' WHERE name = 'realm'"
expect "realm changed" GET /docs/guide.txt - - 401 "$(realm Changed)"
expect "users are read live" GET /docs/guide.txt bob builder 200
sql "DELETE FROM members WHERE user = 'bob'"
expect "membership revoked" GET /docs/guide.txt bob builder 403

# --- an admin holding the write lock with an uncommitted change -------
# The shell reads a fifo; it touches $work/held once BEGIN IMMEDIATE
# and the changes have run, and exits after COMMIT.
mkfifo "$work/admin.fifo"
"$SQLITE3" -batch "$db" <"$work/admin.fifo" >"$work/admin.out" 2>&1 &
apid=$!
started $apid
exec 3>"$work/admin.fifo"
cat >&3 <<EOF
BEGIN IMMEDIATE;
DELETE FROM rules WHERE pattern = '/public/**' AND host IS NULL;
UPDATE settings SET value = 'Pending' WHERE name = 'realm';
.system touch $work/held
EOF
wait_file "$work/held" && ok "the admin holds BEGIN IMMEDIATE" ||
    fail "the admin shell did not start: $(cat "$work/admin.out")"
"$SQLITE3" -batch "$db" "UPDATE settings SET value = 'x'
    WHERE name = 'realm'" >"$work/locked.out" 2>&1
grep -q 'database is locked' "$work/locked.out" &&
    ok "another writer is locked out" ||
    fail "the lock is not held: $(cat "$work/locked.out")"
expect "lock held: the committed rule still decides" \
    GET /public/index.html - - 200
expect "lock held: the committed realm" GET /docs/guide.txt - - 401 \
    "$(realm Changed)"
printf 'COMMIT;\n' >&3
exec 3>&-
wait $apid
check_eq "the admin's COMMIT" $? 0
pids=$fpid
expect "after COMMIT: the rule is gone" GET /public/index.html - - 405
expect "after COMMIT: the new realm" GET /docs/guide.txt - - 401 \
    "$(realm Pending)"

# --- portcullis replace ----------------------------------------------
"$SQLITE3" -batch "$db" ".backup '$work/new.db'"
"$SQLITE3" -batch "$work/new.db" "UPDATE settings SET value = 'Replaced'
    WHERE name = 'realm'; INSERT INTO rules (pattern, methods, principal)
    VALUES ('/public/**', 'GET', 'all')"
"$ADMIN" -d "$db" replace "$work/new.db" >/dev/null ||
    fail "portcullis replace"
expect "replaced: the new file's rule" GET /public/index.html - - 200
expect "replaced: the new file's realm" GET /docs/guide.txt - - 401 \
    "$(realm Replaced)"

# --- failures: 500, never the old policy ------------------------------
sql "PRAGMA user_version = 99"
expect "another schema version" GET /public/index.html - - 500
sql "PRAGMA user_version = $SCHEMA"
expect "the schema version back" GET /public/index.html - - 200

# A corrupt schema, committed as a writer would: the resources table's
# root page is the users index's.  The next rebuild fails.
cookie=$("$SQLITE3" -batch "$db" "PRAGMA schema_version")
sql "PRAGMA writable_schema = ON;
    UPDATE sqlite_schema SET rootpage = (SELECT rootpage FROM sqlite_schema
	WHERE name = 'members_by_role') WHERE name = 'resources';
    PRAGMA schema_version = $((cookie + 1))"
expect "a corrupt database" GET /public/index.html - - 500
expect "... and the next request too" GET /public/index.html - - 500
grep -q 'reason=store.*malformed' "$work/cgi-fcgi.err" &&
    ok "the log says malformed" ||
    fail "no malformed in the log: $(tail -3 "$work/cgi-fcgi.err")"

# A file that is not a database, then none, renamed into place (the
# process notices the new file at the next request); then the real
# one back.
mv "$db" "$work/saved.db"
printf 'not a database at all\n' >"$db"
expect "not a database" GET /public/index.html - - 500
rm -f "$db"
expect "no database" GET /public/index.html - - 500
rm -f "$db-wal" "$db-shm"
cp "$work/new.db" "$db"
expect "a good database again" GET /public/index.html - - 200

# --- a migration from an older user_version ---------------------------
# A database made by every migration but the last, run by the shell as
# `portcullis init` would; a second process serves it (500) until
# `portcullis init` migrates it, then the very next request is decided.
old=$work/old.db
last=$(ls "$top_srcdir"/sql/[0-9][0-9][0-9][0-9]-*.sql | tail -1)
{
	echo "PRAGMA journal_mode = WAL;"
	for f in "$top_srcdir"/sql/[0-9][0-9][0-9][0-9]-*.sql; do
		[ "$f" = "$last" ] && break
		cat "$f"
	done
	echo "PRAGMA user_version = $((SCHEMA - 1));"
	echo "INSERT INTO rules (pattern, methods, principal)
	    VALUES ('/old/**', 'GET', 'all');"
} | "$SQLITE3" -batch "$old" >/dev/null || fail "old database"
sock2=$work/old.sock
PORTCULLIS_DB=$old "$FCGI" -s "$sock2" </dev/null 2>"$work/fcgi2.err" &
pid2=$!
started $pid2
wait_socket "$sock2" $pid2 || fail "no socket for the old database"
send "$sock2" GET /old/x - - "$work/old1"
check_eq "older user_version: 500" "$(cat "$work/old1.status")" 500
"$ADMIN" -d "$old" init >"$work/init.out" 2>&1 ||
    fail "portcullis init: $(cat "$work/init.out")"
check_eq "migrated" "$("$SQLITE3" -batch "$old" "PRAGMA user_version")" \
    "$SCHEMA"
send "$sock2" GET /old/x - - "$work/old2"
check_eq "after the migration: decided" "$(cat "$work/old2.status")" 200

kill -TERM $fpid $pid2
wait $fpid
check_eq "exit status after SIGTERM" $? 0
wait $pid2
pids=

finish snapshot
