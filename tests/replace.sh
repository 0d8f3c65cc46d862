#!/bin/sh
# replace.sh: `portcullis replace NEW.db` under a running FastCGI
# process (portcullis.fcgi -s on a Unix socket, driven by cgi-fcgi).
#
# alice passes through the role staff; NEW.db is the same policy
# without her membership.  After `portcullis replace` the very next
# request is 403, the live file is the same file (inode, owner, mode,
# WAL mode) and holds exactly NEW.db's rows.  NEW.db files that are
# not current Portcullis databases are refused, the live database
# untouched.  Last, the hazard that `replace` exists for: renaming a
# file over the live WAL database lets its old -wal be replayed onto
# the new file, and a revoked membership comes back.
. "${top_srcdir:-.}/tests/lib.sh"
# The schema version this build makes: the number of sql/NNNN-*.sql.
SCHEMA=$(ls "$top_srcdir"/sql/[0-9][0-9][0-9][0-9]-*.sql | wc -l)

command -v cgi-fcgi >/dev/null 2>&1 ||
    skip_or_fail "cgi-fcgi (libfcgi-bin) is not installed"

db=$work/auth.db
new=$work/new.db
mkdir -p "$work/www/docs"
echo guide >"$work/www/docs/guide.txt"
{
	"$ADMIN" -d "$db" init &&
	printf 'wonderland\n' | "$ADMIN" -d "$db" user add alice &&
	"$ADMIN" -d "$db" role add staff &&
	"$ADMIN" -d "$db" grant alice staff &&
	"$ADMIN" -d "$db" rule add '/docs/**' GET staff
} >"$work/setup.log" 2>&1 || { cat "$work/setup.log"; fail "setup"; }

sock=$work/portcullis.sock
PORTCULLIS_DB=$db PORTCULLIS_ROOT=$work/www \
    "$FCGI" -s "$sock" </dev/null 2>"$work/fcgi.err" &
fpid=$!
started $fpid
wait_socket "$sock" $fpid && ok "listening on $sock" || fail "no socket"

# status WHAT WANT: GET /docs/guide.txt as alice answers WANT.
status()
{
	_n=$((npass + nfail))
	env -i REQUEST_METHOD=GET REQUEST_URI=/docs/guide.txt \
	    HTTP_HOST=127.0.0.1 REMOTE_ADDR=127.0.0.1 \
	    HTTP_AUTHORIZATION="Basic $(b64 alice:wonderland)" \
	    timeout 10 cgi-fcgi -bind -connect "$sock" </dev/null \
	    >"$work/r.$_n" 2>>"$work/cgi-fcgi.err"
	split_response "$work/r.$_n"
	check_eq "$1" "$(cat "$work/r.$_n.status")" "$2"
}

# replace_with WHAT FILE WANT_RC WANT_ERR: portcullis replace FILE.
replace_with()
{
	"$ADMIN" -d "$db" replace "$2" >"$work/out" 2>"$work/err"
	check_eq "$1: exit status" "$?" "$3"
	check_eq "$1: stdout" "$(cat "$work/out")" \
	    "$([ "$3" -ne 0 ] || echo "replaced the policy of $db with $2's")"
	check_eq "$1: stderr" "$(cat "$work/err")" "$4"
}

ROWS="SELECT 'user', name, hash, disabled FROM users;
    SELECT 'member', user, role FROM members ORDER BY 2, 3;
    SELECT 'rule', id, pattern, methods, principal FROM rules ORDER BY 2"
FILE="%i %a %U:%G"

status "alice with the role staff" 200

# NEW.db: the live policy without alice's membership, in rollback
# journal mode (replace must keep the live file's WAL mode).
"$SQLITE3" -batch "$db" ".backup '$new'"
"$SQLITE3" -batch "$new" "PRAGMA journal_mode = DELETE;
    DELETE FROM members WHERE user = 'alice' AND role = 'staff'" >/dev/null
before=$(stat -c "$FILE" "$db")

# --- refusals: the live database is untouched ------------------------------
replace_with "missing NEW.db" "$work/none.db" 1 \
    "portcullis: replace: $work/none.db: No such file or directory"
replace_with "the live database itself" "$db" 1 \
    "portcullis: replace: $db: is the live database"
printf 'not a database at all, but long enough to be read as one....' \
    >"$work/junk.db"
replace_with "not a database" "$work/junk.db" 1 \
    "portcullis: replace: $work/junk.db: file is not a database"
"$SQLITE3" -batch "$work/other.db" "CREATE TABLE t (x);
    PRAGMA user_version = $("$SQLITE3" -batch "$db" 'PRAGMA user_version')"
replace_with "another application's database" "$work/other.db" 1 \
    "portcullis: replace: $work/other.db: not a Portcullis database"
cp "$new" "$work/old.db"
"$SQLITE3" -batch "$work/old.db" "PRAGMA user_version = 3"
replace_with "an older schema version" "$work/old.db" 1 \
    "portcullis: replace: $work/old.db: schema version 3, expected $SCHEMA (run portcullis init on it)"
# An index that no longer matches its table: integrity_check fails.
cp "$new" "$work/bad.db"
"$SQLITE3" -batch "$work/bad.db" "PRAGMA writable_schema = ON;
    UPDATE sqlite_schema SET sql = 'CREATE INDEX rules_by_principal ON rules (methods)'
	WHERE name = 'rules_by_principal'"
"$ADMIN" -d "$db" replace "$work/bad.db" >"$work/out" 2>"$work/err"
check_eq "a corrupt database: exit status" "$?" 1
case $(cat "$work/err") in
"portcullis: replace: $work/bad.db: integrity_check: "*)
	ok "a corrupt database: integrity_check named" ;;
*)	fail "a corrupt database: $(cat "$work/err")" ;;
esac
check_eq "refusals left the file alone" "$(stat -c "$FILE" "$db")" "$before"
status "refusals left alice her access" 200

# --- the replacement ---------------------------------------------------------
replace_with "replace NEW.db" "$new" 0 ""
status "the next request after replace" 403
check_eq "the live database holds exactly NEW.db's rows" \
    "$("$SQLITE3" -batch "$db" "$ROWS")" "$("$SQLITE3" -batch "$new" "$ROWS")"
check_eq "no membership of alice is left" \
    "$("$SQLITE3" -batch "$db" "SELECT count(*) FROM members WHERE user = 'alice'")" 0
check_eq "same file, owner and mode" "$(stat -c "$FILE" "$db")" "$before"
check_eq "still WAL, schema current, intact" \
    "$("$SQLITE3" -batch "$db" 'PRAGMA journal_mode; PRAGMA user_version; PRAGMA integrity_check')" \
    "wal
$SCHEMA
ok"
"$ADMIN" -d "$db" grant alice staff
status "a grant after replace is honoured" 200

# --- the hazard: mv over a WAL database --------------------------------------
# While the server runs, the grant above sits in auth.db-wal.  A copy
# without alice's membership renamed over auth.db gets those frames
# replayed onto it by the next opener.  This is why README and
# portcullis(8) say: never rename over the database; use replace.
"$SQLITE3" -batch "$db" ".backup '$work/mv.db'"
"$SQLITE3" -batch "$work/mv.db" \
    "DELETE FROM members WHERE user = 'alice' AND role = 'staff'"
check_eq "mv hazard: the renamed file has no membership of alice" \
    "$("$SQLITE3" -batch "$work/mv.db" "SELECT count(*) FROM members WHERE user = 'alice'")" 0
check_eq "mv hazard: the live -wal holds frames" \
    "$([ -s "$db-wal" ] && echo yes)" yes
mv "$work/mv.db" "$db"
status "mv hazard: after mv alice still passes (revocation lost)" 200
check_eq "mv hazard: sqlite3 shows her membership back" \
    "$("$SQLITE3" -batch "$db" "SELECT user, role FROM members")" "alice|staff"

kill "$fpid"
wait "$fpid"
check_eq "SIGTERM: clean exit" "$?" 0
finish replace
