#!/bin/sh
# cli.sh: `portcullis`, the administrator's program, end to end.
#
# Runs "$top_builddir/src/portcullis" on databases in a fresh temporary
# directory and asserts the exact stdout, stderr and exit status of
# every subcommand, and the rows left behind, read with the sqlite3
# shell ($SQLITE3, else sqlite3).  Prints "ok N - ..." or
# "not ok N - ..." per assertion, then "cli: P passed, F failed";
# exits 1 if any failed.
#
# The assertions on `portcullis check` (the block under "check:"
# below) run the server's decision path; CLI_CHECK=no skips them.

set -u

. "${top_srcdir:-.}/tests/clilib.sh"
CLI_CHECK=${CLI_CHECK:-yes}

TAB=$(printf '\t')
# The schema version: one per sql/NNNN-*.sql migration.
SCHEMA=$(ls "$top_srcdir"/sql/[0-9][0-9][0-9][0-9]-*.sql | wc -l)

# truth DESC COMMAND...: COMMAND succeeds.
truth() {
	_d=$1
	shift
	if "$@"; then
		result 1 "$_d"
	else
		result 0 "$_d"
	fi
}

USAGE='usage: portcullis [-d DB] init [--group GROUP]
       portcullis [-d DB] replace NEW.db
       portcullis [-d DB] user add|passwd NAME
       portcullis [-d DB] user del|disable|enable NAME
       portcullis [-d DB] user list
       portcullis [-d DB] role add|del NAME
       portcullis [-d DB] grant USER ROLE
       portcullis [-d DB] revoke USER ROLE
       portcullis [-d DB] rule add [--host HOST] PATTERN METHODS PRINCIPAL
       portcullis [-d DB] rule list
       portcullis [-d DB] rule del ID
       portcullis [-d DB] check [--host HOST] [--mode MODE] METHOD TARGET [USER]
       portcullis [-d DB] check [--host HOST] [--mode MODE] --token ID METHOD TARGET
       portcullis [-d DB] shell
       portcullis [-d DB] import htpasswd|htgroup|policy [--dry-run] FILE
       portcullis [-d DB] export [--format sql|json]
       portcullis [-d DB] lint
       portcullis [-d DB] [-S STATE] lockout list
       portcullis [-d DB] [-S STATE] lockout clear [USER | NETWORK]
       portcullis [-d DB] token add USER [--label TEXT] [--expires DATE] [--roles ROLE,...]
       portcullis [-d DB] token list [USER]
       portcullis [-d DB] token del|disable|enable ID'
UNAME="must be 1-255 bytes of UTF-8 without ':' or control characters"
# The schema's words (sql/0001-init.sql), as SQLite reports them.
PATTERN_MSG='CHECK constraint failed: pattern must be an absolute path;'\
' * and ** are whole segments, ** only last (see README)'
METHODS_MSG="CHECK constraint failed: methods must be '*' or a"\
" comma-separated list of HTTP method tokens, e.g. 'GET,POST'"
ROLE_MSG="CHECK constraint failed: role name must be 1-255 of"\
" A-Z a-z 0-9 . _ - and not 'all' or 'valid-user'"
PRINC_MSG='rules: principal must be all, valid-user or an existing role'

# --- usage and databases ----------------------------------------------
run user list
expect "no -d and no PORTCULLIS_DB: usage" 2 "" "$USAGE"
run -d "$DB"
expect "no command: usage" 2 "" "$USAGE"
run -d "$DB" frobnicate
expect "unknown command: usage" 2 "" "$USAGE"
run -d "$DB" user list
expect "missing database refused" 1 "" \
    "portcullis: $DB: No such file or directory"
truth "... and not created" test ! -e "$DB"

run -d "$DB" init
expect "init creates" 0 "" ""
run -d "$DB" init
expect "init again is a no-op" 0 "" ""
sql "user_version is $SCHEMA" "PRAGMA user_version" "$SCHEMA"
sql "journal_mode is wal" "PRAGMA journal_mode" "wal"
sql "settings" "SELECT name, value FROM settings ORDER BY name" \
    "credential_cache_entries|4096
credential_cache_seconds|300
proxy_auth|off
realm|Portcullis"
run -d "$DB" init extra
expect "init takes no arguments" 2 "" "$USAGE"
run -d "$DB" init --owner x
expect "init: an unknown option" 2 "" "$USAGE"
run -d "$DB" replace
expect "replace takes NEW.db" 2 "" "$USAGE"
run -d "$DB" replace a b
expect "... and only that" 2 "" "$USAGE"

# --- file modes: 0640 whatever the umask (README, "Deploying") --------------
# modes FILE: the mode and group of FILE, FILE-wal and FILE-shm.
modes() {
	stat -c '%a %G' "$1" "$1-wal" "$1-shm" 2>&1 | tr '\n' ' '
}
MYGROUP=$(id -gn)
# Root can give any group; others one of theirs.
if [ "$(id -u)" -eq 0 ] && getent group www-data >/dev/null; then
	GROUP=www-data
else
	GROUP=$(id -Gn | tr ' ' '\n' | tail -1)
fi
truth "init made the database 0640 (umask $(umask))" \
    test "$(stat -c '%a %G' "$DB")" = "640 $MYGROUP"
(umask 022 && "$P" -d "$T/u022.db" init)
truth "umask 022: database, -wal, -shm 0640" \
    test "$(modes "$T/u022.db")" = "640 $MYGROUP 640 $MYGROUP 640 $MYGROUP "
(umask 000 && "$P" -d "$T/u000.db" init)
truth "umask 000: database, -wal, -shm 0640" \
    test "$(modes "$T/u000.db")" = "640 $MYGROUP 640 $MYGROUP 640 $MYGROUP "
(umask 022 && "$P" -d "$T/grp.db" init --group "$GROUP")
truth "init --group $GROUP: the group of all three" \
    test "$(modes "$T/grp.db")" = "640 $GROUP 640 $GROUP 640 $GROUP "
chmod 644 "$T/u022.db" "$T/u022.db-wal"
run -d "$T/u022.db" init --group="$GROUP"
expect "init --group=G on an existing database" 0 "" ""
truth "... repairs its modes and sets the group" \
    test "$(modes "$T/u022.db")" = "640 $GROUP 640 $GROUP 640 $GROUP "
rm "$T/u022.db-wal" "$T/u022.db-shm"
run -d "$T/u022.db" init
expect "init again after -wal and -shm were removed" 0 "" ""
truth "... makes them again, in the database's group" \
    test "$(modes "$T/u022.db")" = "640 $GROUP 640 $GROUP 640 $GROUP "
run -d "$T/nogrp.db" init --group no-such-group-here
expect "init --group: an unknown group" 1 "" \
    "portcullis: init --group: no such group"
truth "... and no database made" test ! -e "$T/nogrp.db"
run -d "$DB" user list
truth "other commands keep -wal and -shm too" \
    test "$(modes "$DB")" = "640 $MYGROUP 640 $MYGROUP 640 $MYGROUP "

# --- users --------------------------------------------------------------
run -i 's3cret
' -d "$DB" user add alice
expect "user add alice from stdin" 0 "" ""
sql "alice has a yescrypt hash" \
    "SELECT substr(hash, 1, 3), disabled, expires FROM users" '$y$|0|'
run -i 'other
' -d "$DB" user add alice
expect "user add of an existing user" 1 "" \
    "portcullis: user alice: already exists"
run -i 'pw
' -d "$DB" user add 'a:b'
expect "user name with ':'" 1 "" "portcullis: user name: $UNAME"
run -i 'pw
' -d "$DB" user add "a${TAB}b"
expect "user name with a control byte" 1 "" "portcullis: user name: $UNAME"
run -i 'pw
' -d "$DB" user add ""
expect "empty user name" 1 "" "portcullis: user name: $UNAME"
long=$(printf '%0256d' 0)
run -i 'pw
' -d "$DB" user add "$long"
expect "256-byte user name" 1 "" "portcullis: user name: $UNAME"
run -d "$DB" user add carol
expect "no password line" 1 "" "portcullis: user carol: empty password"
run -i '
' -d "$DB" user add carol
expect "empty password line" 1 "" "portcullis: user carol: empty password"
pw1024=$(printf '%01024d' 0)
run -i "$pw1024
" -d "$DB" user add carol
expect "1024-byte password" 1 "" \
    "portcullis: user carol: password longer than 1023 bytes"
run -i "$(printf '%0512d' 0)" -d "$DB" user add carol
expect "512-byte password, more than crypt(3) takes" 1 "" \
    "portcullis: user carol: password longer than 511 bytes (crypt(3))"
sql "no carol after the refusals" "SELECT count(*) FROM users" "1"
run -i "$(printf '%0511d' 0)" -d "$DB" user add dave
expect "511-byte password, no newline" 0 "" ""
run -i 'b0b
' -d "$DB" user add bob
expect "user add bob, CRLF line" 0 "" ""
run -d "$DB" user add
expect "user add without a name" 2 "" "$USAGE"

old=$("$SQLITE3" -batch "$DB" "SELECT hash FROM users WHERE name = 'alice'")
run -i 'n3w
' -d "$DB" user passwd alice
expect "user passwd alice" 0 "" ""
sql "the hash changed" \
    "SELECT hash <> '$old' AND hash GLOB '\$y\$*' FROM users
     WHERE name = 'alice'" "1"
run -i 'x
' -d "$DB" user passwd nosuch
expect "user passwd of a missing user" 1 "" \
    "portcullis: user nosuch: no such user"

# --- roles and members ------------------------------------------------
run -d "$DB" role add editor
expect "role add editor" 0 "" ""
run -d "$DB" role add editor
expect "role add of an existing role" 1 "" \
    "portcullis: role editor: already exists"
run -d "$DB" role add all
expect "role all refused by the schema" 1 "" "portcullis: role all: $ROLE_MSG"
run -d "$DB" role add 'valid-user'
expect "role valid-user refused" 1 "" \
    "portcullis: role valid-user: $ROLE_MSG"
run -d "$DB" role add admins
expect "role add admins" 0 "" ""
run -d "$DB" grant alice editor
expect "grant" 0 "" ""
run -d "$DB" grant alice editor
expect "grant again is idempotent" 0 "" ""
run -d "$DB" grant alice admins
expect "grant a second role" 0 "" ""
sql "memberships" "SELECT user, role FROM members ORDER BY role" \
    "alice|admins
alice|editor"
run -d "$DB" grant nosuch editor
expect "grant to a missing user" 1 "" "portcullis: grant nosuch editor:"\
" members: no such user (add it to users first)"
run -d "$DB" grant alice nosuch
expect "grant of a missing role" 1 "" "portcullis: grant alice nosuch:"\
" members: no such role (add it to roles first)"
run -d "$DB" user list
expect "user list" 0 "alice${TAB}enabled${TAB}admins,editor
bob${TAB}enabled${TAB}-
dave${TAB}enabled${TAB}-" ""

run -d "$DB" user disable bob
expect "user disable" 0 "" ""
sql "bob disabled" "SELECT disabled FROM users WHERE name = 'bob'" "1"
"$SQLITE3" -batch "$DB" \
    "UPDATE users SET expires = '2000-01-01' WHERE name = 'dave'"
run -d "$DB" user list
expect "user list: disabled, expired" 0 \
    "alice${TAB}enabled${TAB}admins,editor
bob${TAB}disabled${TAB}-
dave${TAB}expired${TAB}-" ""
run -d "$DB" user enable bob
expect "user enable" 0 "" ""
sql "bob enabled" "SELECT disabled FROM users WHERE name = 'bob'" "0"
run -d "$DB" user disable nosuch
expect "user disable of a missing user" 1 "" \
    "portcullis: user nosuch: no such user"

run -d "$DB" revoke alice admins
expect "revoke" 0 "" ""
run -d "$DB" revoke alice admins
expect "revoke of a missing membership" 1 "" \
    "portcullis: revoke alice admins: no such membership"
sql "membership gone" "SELECT user, role FROM members" "alice|editor"

# --- rules ----------------------------------------------------------------
run -d "$DB" rule add '/docs/**' GET,HEAD editor
expect "rule add prints the id" 0 "1" ""
run -d "$DB" rule add --host 'WWW.Example.COM.:8080' '/pub/**' '*' all
expect "rule add --host" 0 "2" ""
sql "host stored canonical" "SELECT host FROM rules WHERE id = 2" \
    "www.example.com"
sql "resources made" \
    "SELECT pattern, ifnull(host, '*') FROM resources ORDER BY pattern" \
    "/docs/**|*
/pub/**|www.example.com"
run -d "$DB" rule add '/a*b' GET all
expect "bad pattern refused by its CHECK" 1 "" \
    "portcullis: rule add: $PATTERN_MSG"
run -d "$DB" rule add /x 'GET,,POST' all
expect "bad methods refused by their CHECK" 1 "" \
    "portcullis: rule add: $METHODS_MSG"
run -d "$DB" rule add /x GET nosuch
expect "unknown principal refused" 1 "" "portcullis: rule add: $PRINC_MSG"
run -d "$DB" rule add --host 'bad host' /x GET all
expect "bad --host refused" 1 "" \
    "portcullis: rule add: --host: not a valid host name"
run -d "$DB" rule add /x GET
expect "rule add without a principal" 2 "" "$USAGE"
sql "no rule or resource from the refusals" \
    "SELECT (SELECT count(*) FROM rules), (SELECT count(*) FROM resources)" \
    "2|2"
run -d "$DB" rule add /tmp GET valid-user
expect "rule add, third" 0 "3" ""
run -d "$DB" rule list
expect "rule list" 0 "1${TAB}*${TAB}/docs/**${TAB}GET,HEAD${TAB}editor
2${TAB}www.example.com${TAB}/pub/**${TAB}*${TAB}all
3${TAB}*${TAB}/tmp${TAB}GET${TAB}valid-user" ""
run -d "$DB" rule del 3
expect "rule del" 0 "" ""
run -d "$DB" rule del 3
expect "rule del of a missing rule" 1 "" "portcullis: rule 3: no such rule"
run -d "$DB" rule del x3
expect "rule del of a non-number" 1 "" "portcullis: rule del: not a rule id"

run -d "$DB" role del editor
expect "role del" 0 "" ""
sql "role del drops its members and rules" \
    "SELECT (SELECT count(*) FROM members),
     (SELECT count(*) FROM rules WHERE principal = 'editor')" \
    "0|0"
run -d "$DB" rule list
expect "rule list after role del" 0 \
    "2${TAB}www.example.com${TAB}/pub/**${TAB}*${TAB}all" ""
run -d "$DB" role del editor
expect "role del of a missing role" 1 "" "portcullis: role editor: no such role"

run -d "$DB" user del dave
expect "user del" 0 "" ""
run -d "$DB" user del dave
expect "user del of a missing user" 1 "" "portcullis: user dave: no such user"

PORTCULLIS_DB=$DB
export PORTCULLIS_DB
run user list
expect "PORTCULLIS_DB names the database" 0 \
    "alice${TAB}enabled${TAB}-
bob${TAB}enabled${TAB}-" ""

# --- schema versions ------------------------------------------------------
NEW=$T/new.db
run -d "$NEW" init
"$SQLITE3" -batch "$NEW" "PRAGMA user_version = 99"
run -d "$NEW" user list
expect "newer database refused" 1 "" \
    "portcullis: $NEW: schema version 99 is newer than this program's ($SCHEMA)"
run -d "$NEW" init
expect "init refuses a newer database" 1 "" \
    "portcullis: $NEW: schema version 99 is newer than this program's ($SCHEMA)"
OLD=$T/old.db
"$SQLITE3" -batch "$OLD" "CREATE TABLE t (x); DROP TABLE t"
run -d "$OLD" role add x
expect "unmigrated database refused" 1 "" \
    "portcullis: $OLD: schema version 0, expected $SCHEMA: run portcullis init"
run -d "$OLD" init
expect "init migrates it" 0 "" ""
MAIN=$DB
DB=$OLD
sql "... to version $SCHEMA, in WAL mode" \
    "PRAGMA user_version; PRAGMA journal_mode" "$SCHEMA
wal"
BAD=$T/bad.db
"$SQLITE3" -batch "$BAD" "CREATE TABLE rules (x)"
run -d "$BAD" init
expect "a failing migration is reported" 1 "" \
    "portcullis: $BAD: migration 1: table rules already exists"
DB=$BAD
sql "... and rolled back whole" \
    "PRAGMA user_version; SELECT name FROM sqlite_schema ORDER BY name" \
    "0
rules"
DB=$MAIN

# --- check: the server's decision path -----------------------------------
if [ "$CLI_CHECK" = yes ]; then
	# Ids are max + 1: deleted rule 3 was the highest, so 3 again.
	run -d "$DB" rule add '/open/**' GET all
	expect "check setup: rule for all" 0 "3" ""
	run -d "$DB" rule add '/priv/**' GET valid-user
	expect "check setup: rule for valid-user" 0 "4" ""

	run -d "$DB" check GET /open/a
	expect "check: anonymous GET on an all rule" 0 "path: /open/a
host: -
resource: /open/**
rule: 3
user: -
reason: grant-all
status: 200 OK
Status: 200 OK" ""

	run -i 'wrong
' -d "$DB" check GET /priv/x alice
	expect "check: wrong password is 401 with a challenge" 1 \
	    "path: /priv/x
host: -
resource: /priv/**
rule: -
user: -
reason: bad-password
status: 401 Unauthorized
Status: 401 Unauthorized
WWW-Authenticate: Basic realm=\"Portcullis\", charset=\"UTF-8\"
Cache-Control: no-store
Content-Type: text/plain; charset=utf-8
Content-Length: 17" ""

	run -i 'n3w
' -d "$DB" check --mode responder GET '/priv/a//b/../x?q=1' alice
	expect "check: valid user, canonical path" 0 "path: /priv/a/x
host: -
resource: /priv/**
rule: 4
user: alice
reason: grant-valid-user
status: 200 OK
Status: 200 OK" ""

	for r in ops dev; do
		run -d "$DB" role add $r
		expect "check setup: role $r" 0 "" ""
		run -d "$DB" grant alice $r
		expect "check setup: alice holds $r" 0 "" ""
	done
	run -i 'n3w
' -d "$DB" check --mode authorizer GET /priv/x alice
	expect "check: authorizer allow hands over user and roles" 0 \
	    "path: /priv/x
host: -
resource: /priv/**
rule: 4
user: alice
reason: grant-valid-user
status: 200 OK
Status: 200 OK
Variable-REMOTE_USER: alice
Variable-PORTCULLIS_ROLES: dev,ops" ""

	run -d "$DB" check --mode auth_request DELETE /open/a
	expect "check: auth_request sends 405 as 403 + X-Portcullis-Status" 1 \
	    "path: /open/a
host: -
resource: /open/**
rule: -
user: -
reason: no-method
status: 405 Method Not Allowed
Status: 403 Forbidden
X-Portcullis-Status: 405
Allow: GET, HEAD
Cache-Control: no-store
Content-Type: text/plain; charset=utf-8
Content-Length: 14" ""

	run -d "$DB" check --mode forward_auth GET /open/a
	expect "check: forward_auth anonymous allow" 0 "path: /open/a
host: -
resource: /open/**
rule: 3
user: -
reason: grant-all
status: 200 OK
Status: 200 OK
X-Portcullis-User: 
X-Portcullis-Roles: 
Cache-Control: no-store
Content-Length: 0" ""

	run -d "$DB" check --mode nonsense GET /open/a
	expect "check: unknown mode is a usage error" 2 "" "$USAGE"

	run -i 'b0b' -d "$DB" check --host WWW.example.com:80 GET /pub/p bob
	expect "check: --host picks the host's resource" 0 "path: /pub/p
host: www.example.com
resource: /pub/** host www.example.com
rule: 2
user: -
reason: grant-all
status: 200 OK
Status: 200 OK" ""

	run -d "$DB" check GET /%2e%2e/
	expect "check: encoded dot-dot is 400" 1 "path: -
host: -
resource: -
rule: -
user: -
reason: bad-target
status: 400 Bad Request
Status: 400 Bad Request
Cache-Control: no-store
Content-Type: text/plain; charset=utf-8
Content-Length: 16" ""

	run -d "$T/none.db" check GET /open/a
	expect "check: missing database is 500" 2 "path: /open/a
host: -
resource: -
rule: -
user: -
reason: store
status: 500 Internal Server Error
Status: 500 Internal Server Error
Cache-Control: no-store
Content-Type: text/plain; charset=utf-8
Content-Length: 26" "portcullis: check: $T/none.db: No such file or directory"
fi

# --- lockout list | clear (the state database init made) ----------------
ST="$DB-state"
ok_st=0
[ -f "$ST" ] && [ "$(stat -c %a "$ST")" = 660 ] && ok_st=1
result $ok_st "init made the lockout state database, mode 660"
run -d "$DB" lockout list
expect "lockout list: nothing counted" 0 "" ""
"$SQLITE3" -batch "$ST" "INSERT INTO failures VALUES
    ('192.0.2.7/32', '', 6, 1764662400, 0),
    ('192.0.2.7/32', 'alice', 5, 1764662400, 4102444800),
    ('2001:db8::/64', 'alice', 1, 1764662460, 0)"
run -d "$DB" lockout list
expect "lockout list: one line per key, locks until a UTC time" 0 \
"192.0.2.7/32 - 6 2025-12-02T08:00:00Z -
192.0.2.7/32 alice 5 2025-12-02T08:00:00Z 2100-01-01T00:00:00Z
2001:db8::/64 alice 1 2025-12-02T08:01:00Z -" ""
run -d "$DB" rule add '/lk/**' GET valid-user >/dev/null
run -i 'wrong' -d "$DB" check GET /lk/x nosuchuser
expect "check: a bad login through the lockout path" 1 "path: /lk/x
host: -
resource: /lk/**
rule: -
user: -
reason: unknown-user
status: 401 Unauthorized
Status: 401 Unauthorized
WWW-Authenticate: Basic realm=\"Portcullis\", charset=\"UTF-8\"
Cache-Control: no-store
Content-Type: text/plain; charset=utf-8
Content-Length: 17" ""
run -d "$DB" lockout list
expect "check never counts a failure" 0 \
"192.0.2.7/32 - 6 2025-12-02T08:00:00Z -
192.0.2.7/32 alice 5 2025-12-02T08:00:00Z 2100-01-01T00:00:00Z
2001:db8::/64 alice 1 2025-12-02T08:01:00Z -" ""
run -d "$DB" lockout clear alice
expect "lockout clear USER" 0 "cleared 2 entries" ""
run -d "$DB" lockout clear 192.0.2.7/32
expect "lockout clear NETWORK" 0 "cleared 1 entry" ""
run -d "$DB" lockout clear
expect "lockout clear: all" 0 "cleared 0 entries" ""
run -d "$DB" -S "$T/other-state" lockout list
expect "lockout -S: a missing state database" 1 "" \
"portcullis: $T/other-state: $T/other-state: unable to open database file"
run -d "$DB" lockout frobnicate
expect "lockout: an unknown subcommand is a usage error" 2 "" "$USAGE"
run -d "$DB" lockout list extra
expect "lockout list takes no argument" 2 "" "$USAGE"

finish cli
