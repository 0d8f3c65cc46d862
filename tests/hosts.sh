#!/bin/sh
# hosts.sh: the schema's side of the one definition of a host name.
#
# For every row RAW<TAB>CANONICAL of tests/hosts.tab, a fresh database
# (`portcullis init`) must accept RAW as resources.host, in the plain
# sqlite3 shell, exactly when CANONICAL equals RAW (a value the request
# parser can produce); tests/check_path.c checks host_canon() against
# the same rows.  Then `portcullis rule add --host` with IP literals and
# '_', and the migration to version 4 (sql/0004-hardening.sql): rows,
# rowids, comments, triggers, indexes and views kept; a database
# holding a host the definition refuses is left untouched.

set -u

. "${top_srcdir:-.}/tests/clilib.sh"
# The schema version this build makes: the number of sql/NNNN-*.sql.
SCHEMA=$(ls "$top_srcdir"/sql/[0-9][0-9][0-9][0-9]-*.sql | wc -l)

TAB=$(printf '\t')
HOST_MSG="host must be NULL, a lower-case host"\
" name (dot-separated labels of a-z 0-9 _ -) or an IP literal such as"\
" [::1], without port or trailing dot"

run -d "$DB" init
expect "init" 0 "$(created "$DB")" ""

# try VALUE: insert VALUE (an SQL expression) as a host, then roll
# back; $out is the shell's stdout and stderr, $rc its status.
try() {
	out=$("$SQLITE3" -batch "$DB" "BEGIN;
	    INSERT INTO resources (pattern, host) VALUES ('/', $1);
	    SELECT changes(); ROLLBACK;" 2>&1)
	rc=$?
}

# accepted DESC: the last try inserted the row.
accepted() {
	if [ "$rc" -eq 0 ] && [ "$out" = 1 ]; then
		result 1 "$1"
	else
		result 0 "$1"
		echo "# exit $rc: $out"
	fi
}

# refused DESC: the last try failed on the host constraint.
refused() {
	case $rc:$out in
	0:*)	result 0 "$1"; echo "# accepted" ;;
	*"$HOST_MSG"*)	result 1 "$1" ;;
	*)	result 0 "$1"; echo "# exit $rc: $out" ;;
	esac
}

# --- every row of tests/hosts.tab -----------------------------------------
rows=0
while IFS="$TAB" read -r raw canon; do
	case $raw in
	'#'* | '') continue ;;
	esac
	rows=$((rows + 1))
	lit=$(printf '%s' "$raw" | sed "s/'/''/g")
	try "'$lit'"
	if [ "$raw" = "$canon" ]; then
		accepted "host '$raw' (canonical) accepted"
	else
		refused "host '$raw' (canonical: $canon) refused"
	fi
done <"$top_srcdir/tests/hosts.tab"
result "$([ "$rows" -ge 50 ] && echo 1 || echo 0)" \
    "hosts.tab has $rows rows"

# Bytes a text file cannot hold.
try "CAST(x'6100622e6578616d706c65' AS TEXT)"
refused "a NUL inside a host refused"
try "CAST(x'6162630a' AS TEXT)"
refused "a newline at the end refused"
try "''"
refused "an empty host refused"
try "NULL"
accepted "NULL (any host) accepted"

# --- through the rules trigger and `portcullis rule add` -------------------
sql "rules: INSERT with host [::1] makes the resource" \
    "INSERT INTO rules (pattern, host, methods, principal)
     VALUES ('/v6/**', '[::1]', 'GET', 'all');
     SELECT host FROM resources WHERE pattern = '/v6/**'" "[::1]"
run -d "$DB" rule add --host '[::1]' '/**' GET all
expect "rule add --host [::1]" 0 "rule 2 added: /** host [::1] GET all" ""
run -d "$DB" rule add --host 'a_b.example' '/**' GET all
expect "rule add --host a_b.example" 0 \
    "rule 3 added: /** host a_b.example GET all" ""
run -d "$DB" rule add --host '[::FFFF:127.0.0.1]:8080' '/**' GET all
expect "rule add --host takes a Host value and canonicalizes it" 0 \
    "rule 4 added: /** host [::ffff:127.0.0.1] GET all" ""
run -d "$DB" rule list
expect "rule list" 0 "1${TAB}[::1]${TAB}/v6/**${TAB}GET${TAB}all
2${TAB}[::1]${TAB}/**${TAB}GET${TAB}all
3${TAB}a_b.example${TAB}/**${TAB}GET${TAB}all
4${TAB}[::ffff:127.0.0.1]${TAB}/**${TAB}GET${TAB}all" ""
run -d "$DB" rule add --host 'a..b' '/**' GET all
expect "rule add --host a..b refused" 1 "" \
    "portcullis: rule add: --host: not a valid host name"

# --- the migration from version 3 ----------------------------------------
# mkv3 FILE: a version 3 database from sql/0001-0003, in WAL mode.
mkv3() {
	cat "$top_srcdir/sql/0001-init.sql" "$top_srcdir/sql/0002-proxy-auth.sql" \
	    "$top_srcdir/sql/0003-views.sql" | "$SQLITE3" -batch "$1" &&
	"$SQLITE3" -batch "$1" "PRAGMA journal_mode = WAL;
	    PRAGMA user_version = 3" >/dev/null
}
# The names and kinds of the schema's objects that concern resources
# (other sections of the migration add objects of their own).
OBJECTS="SELECT type, name, tbl_name FROM sqlite_schema
    WHERE name NOT LIKE 'sqlite_%'
    AND (tbl_name = 'resources' OR sql LIKE '%resources%')
    ORDER BY type, name"

V3=$T/v3.db
mkv3 "$V3"
"$SQLITE3" -batch "$V3" "
    INSERT INTO roles (name) VALUES ('admin');
    INSERT INTO rules (pattern, methods, principal) VALUES ('/**', 'GET', 'all');
    INSERT INTO rules (pattern, host, methods, principal)
	VALUES ('/**', 'secret.example', 'GET', 'admin');
    INSERT INTO resources (pattern, host, comment)
	VALUES ('/closed/**', 'www.example.com', 'kept');
    UPDATE resources SET comment = 'top' WHERE pattern = '/**' AND host IS NULL;"
"$SQLITE3" -batch "$V3" "$OBJECTS" >"$T/objects.v3"
"$SQLITE3" -batch "$V3" "SELECT rowid, * FROM resources ORDER BY rowid;
    SELECT * FROM rules ORDER BY id" >"$T/rows.v3"
run -d "$V3" init
expect "init migrates version 3 to $SCHEMA" 0 "$(migrated "$V3" 3)" ""
DB=$V3
sql "... user_version $SCHEMA, still WAL" \
    "PRAGMA user_version; PRAGMA journal_mode" "$SCHEMA
wal"
"$SQLITE3" -batch "$V3" "$OBJECTS" >"$T/objects.v4"
result "$(cmp -s "$T/objects.v3" "$T/objects.v4" && echo 1 || echo 0)" \
    "... the same tables, indexes, triggers and views"
# (rules: the columns of version 3; sql/0009 adds network, NULL here)
"$SQLITE3" -batch "$V3" "SELECT rowid, * FROM resources ORDER BY rowid;
    SELECT id, pattern, host, methods, principal, comment FROM rules
    ORDER BY id" >"$T/rows.v4"
result "$(cmp -s "$T/rows.v3" "$T/rows.v4" && echo 1 || echo 0)" \
    "... the same resources (rowids, comments) and rules"
sql "... integrity and foreign keys" \
    "PRAGMA integrity_check; PRAGMA foreign_key_check" "ok"
sql "... resources keeps its column comments" \
    "SELECT instr(sql, '-- Free text for the administrator.') > 0
     FROM sqlite_schema WHERE name = 'resources'" "1"
sql "... the view still answers" "SELECT * FROM resources_without_rules" \
    "www.example.com|/closed/**|kept"
sql "... the triggers still work: a rule makes its resource" \
    "INSERT INTO rules (pattern, host, methods, principal)
     VALUES ('/x', '[::1]', 'GET', 'all');
     DELETE FROM resources WHERE pattern = '/**' AND host = 'secret.example';
     SELECT pattern || ' ' || ifnull(host, '*') FROM resources ORDER BY rowid;
     SELECT count(*) FROM rules WHERE host = 'secret.example'" \
    "/** *
/closed/** www.example.com
/x [::1]
0"

BADV3=$T/badv3.db
mkv3 "$BADV3"
"$SQLITE3" -batch "$BADV3" \
    "INSERT INTO resources (pattern, host) VALUES ('/**', 'a..b')"
run -d "$BADV3" init
expect "a version 3 host the definition refuses stops the migration" 1 "" \
    "portcullis: $BADV3: migration 4: $HOST_MSG"
DB=$BADV3
sql "... rolled back whole" \
    "PRAGMA user_version; SELECT host FROM resources;
     SELECT count(*) FROM sqlite_schema WHERE name = 'resources_new'" \
    "3
a..b
0"

finish hosts
