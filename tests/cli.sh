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
# The version the build was configured with (configure.ac's AC_INIT).
SECT=$(printf '\302\247')
PACKAGE_VERSION=$(sed -n 's/^#define PACKAGE_VERSION "\(.*\)"$/\1/p' \
    "$top_builddir/config.h")
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

# The command summary: portcullis, --help, help (stdout, exit 0).
SUMMARY='usage: portcullis [-d DB] init [--group GROUP]
       portcullis [-d DB] replace NEW.db
       portcullis [-d DB] user add|passwd NAME
       portcullis [-d DB] user del|disable|enable NAME
       portcullis [-d DB] user list
       portcullis [-d DB] role add|del NAME
       portcullis [-d DB] role include|exclude ROLE INCLUDED
       portcullis [-d DB] role list
       portcullis [-d DB] grant USER ROLE
       portcullis [-d DB] revoke USER ROLE
       portcullis [-d DB] rule add [--host HOST] [--net NETWORK] PATTERN METHODS PRINCIPAL
       portcullis [-d DB] rule list
       portcullis [-d DB] rule del ID
       portcullis [-d DB] resource list
       portcullis [-d DB] resource del [--host HOST] [--force] PATTERN
       portcullis [-d DB] check [--host HOST] [--mode MODE] [--addr ADDR] METHOD TARGET [USER]
       portcullis [-d DB] check [--host HOST] [--mode MODE] [--addr ADDR] --token ID METHOD TARGET
       portcullis [-d DB] check [--host HOST] [--mode MODE] [--addr ADDR] (--cert FILE | --subject DN [--issuer DN]) METHOD TARGET [USER]
       portcullis [-d DB] shell
       portcullis [-d DB] import htpasswd|htgroup|policy [--dry-run] FILE
       portcullis [-d DB] export [--format sql|json]
       portcullis [-d DB] lint
       portcullis [-d DB] [-S STATE] lockout list
       portcullis [-d DB] [-S STATE] lockout clear [USER | NETWORK]
       portcullis [-d DB] token add USER [--label TEXT] [--expires DATE] [--roles ROLE,...]
       portcullis [-d DB] token list [USER]
       portcullis [-d DB] token del|disable|enable ID
       portcullis [-d DB] cert add USER (--pem FILE | --fingerprint HEX | --subject DN [--issuer DN]) [--comment TEXT]
       portcullis [-d DB] cert list [USER]
       portcullis [-d DB] cert del ID | --pem FILE | --fingerprint HEX | --subject DN [--issuer DN]
       portcullis [-d DB] net add NAME CIDR ...
       portcullis [-d DB] net del NAME [CIDR]
       portcullis [-d DB] net list
       portcullis help [COMMAND]
       portcullis --version
The database is -d DB, else $PORTCULLIS_DB. portcullis help COMMAND says what a command does;
portcullis(8) says the rest.'
# Each command's usage, as a usage error prints it (stderr, exit 2).
U_INIT='usage: portcullis [-d DB] init [--group GROUP]'
U_REPLACE='usage: portcullis [-d DB] replace NEW.db'
U_USER='usage: portcullis [-d DB] user add|passwd NAME
       portcullis [-d DB] user del|disable|enable NAME
       portcullis [-d DB] user list'
U_RULE='usage: portcullis [-d DB] rule add [--host HOST] [--net NETWORK] PATTERN METHODS PRINCIPAL
       portcullis [-d DB] rule list
       portcullis [-d DB] rule del ID'
U_RESOURCE='usage: portcullis [-d DB] resource list
       portcullis [-d DB] resource del [--host HOST] [--force] PATTERN'
U_CHECK='usage: portcullis [-d DB] check [--host HOST] [--mode MODE] [--addr ADDR] METHOD TARGET [USER]
       portcullis [-d DB] check [--host HOST] [--mode MODE] [--addr ADDR] --token ID METHOD TARGET
       portcullis [-d DB] check [--host HOST] [--mode MODE] [--addr ADDR] (--cert FILE | --subject DN [--issuer DN]) METHOD TARGET [USER]'
U_LOCKOUT='usage: portcullis [-d DB] [-S STATE] lockout list
       portcullis [-d DB] [-S STATE] lockout clear [USER | NETWORK]'
# The "mode:" line of check without --mode or PORTCULLIS_MODE.
MODE_DEFAULT='mode: responder (default; --mode auth_request for nginx'\
' auth_request, --mode authorizer for lighttpd/Apache)'
UNAME="must be 1-255 bytes of UTF-8 without ':' or control characters"
# The schema's words (sql/0001-init.sql), without SQLite's jargon.
ROLE_MSG="role name must be 1-255 of"\
" A-Z a-z 0-9 . _ - and not 'all' or 'valid-user'"

# --- usage and databases ----------------------------------------------
run
expect "no arguments: the summary on stdout" 0 "$SUMMARY" ""
run --help
expect "--help: the summary" 0 "$SUMMARY" ""
run help
expect "help: the summary" 0 "$SUMMARY" ""
run -d "$DB"
expect "-d without a command: the summary" 0 "$SUMMARY" ""
run --version
expect "--version" 0 "portcullis $PACKAGE_VERSION" ""
run help rule
expect "help COMMAND: its usage and what it does" 0 "$U_RULE
Grant METHODS on the resource PATTERN to PRINCIPAL (all, valid-user, a role or net:NETWORK), with --net only to clients in NETWORK; list the rules; delete one." ""
run rule --help
expect "COMMAND --help: the same, without a database" 0 "$U_RULE
Grant METHODS on the resource PATTERN to PRINCIPAL (all, valid-user, a role or net:NETWORK), with --net only to clients in NETWORK; list the rules; delete one." ""
run -d "$DB" check --help
expect "COMMAND --help after options" 0 "$U_CHECK
Show what the server would answer a request in MODE, and why (USER's password, or token ID, on stdin; --cert: as if the server verified that client certificate)." ""
run help frobnicate
expect "help of an unknown command" 2 "" \
    "portcullis: unknown command 'frobnicate' (portcullis help lists them)"
run help rule user
expect "help takes one command" 2 "" "usage: portcullis help [COMMAND]
       portcullis --version"
run -x user list
expect "an unknown option, named" 2 "" \
    "portcullis: unknown option -x (portcullis help)"
run --db "$DB" user list
expect "an unknown long option, named" 2 "" \
    "portcullis: unknown option --db (portcullis help)"
run -d
expect "-d without a value" 2 "" "portcullis: -d needs a value (portcullis help)"
run -h
expect "-h: the summary" 0 "$SUMMARY" ""
run user list
expect "no -d and no PORTCULLIS_DB: said so" 2 "" \
    "portcullis: no database: give -d DB or set PORTCULLIS_DB"
run user list -d "$DB"
expect "-d after the command: refused, naming it" 2 "" \
    "portcullis: -d must come before the command: portcullis -d DB user ..."
run -d "$DB" lockout list -S "$T/st"
expect "-S after the command: refused, naming it" 2 "" \
    "portcullis: -S must come before the command: portcullis -S STATE lockout ..."
run -d "$DB" frobnicate
expect "unknown command" 2 "" \
    "portcullis: unknown command 'frobnicate' (portcullis help lists them)"
run frobnicate
expect "unknown command, no database" 2 "" \
    "portcullis: unknown command 'frobnicate' (portcullis help lists them)"
run -d "$DB" user list
expect "missing database refused" 1 "" \
    "portcullis: $DB: No such file or directory (make it with portcullis init)"
truth "... and not created" test ! -e "$DB"

run -d "$DB" init
expect "init creates" 0 \
    "created $DB (schema $SCHEMA; lockout state $DB-state)" ""
run -d "$DB" init
expect "init again is a no-op" 0 \
    "$DB is up to date (schema $SCHEMA; lockout state $DB-state)" ""
sql "user_version is $SCHEMA" "PRAGMA user_version" "$SCHEMA"
sql "journal_mode is wal" "PRAGMA journal_mode" "wal"
sql "settings" "SELECT name, value FROM settings ORDER BY name" \
    "credential_cache_entries|4096
credential_cache_seconds|300
proxy_auth|off
realm|Portcullis"
run -d "$DB" init extra
expect "init takes no arguments: its usage" 2 "" "$U_INIT"
run -d "$DB" init --owner x
expect "init: an unknown option" 2 "" "$U_INIT"
run -d "$DB" replace
expect "replace takes NEW.db" 2 "" "$U_REPLACE"
run -d "$DB" replace a b
expect "... and only that" 2 "" "$U_REPLACE"

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
(umask 022 && "$P" -d "$T/u022.db" init >/dev/null)
truth "umask 022: database, -wal, -shm 0640" \
    test "$(modes "$T/u022.db")" = "640 $MYGROUP 640 $MYGROUP 640 $MYGROUP "
(umask 000 && "$P" -d "$T/u000.db" init >/dev/null)
truth "umask 000: database, -wal, -shm 0640" \
    test "$(modes "$T/u000.db")" = "640 $MYGROUP 640 $MYGROUP 640 $MYGROUP "
(umask 022 && "$P" -d "$T/grp.db" init --group "$GROUP" >/dev/null)
truth "init --group $GROUP: the group of all three" \
    test "$(modes "$T/grp.db")" = "640 $GROUP 640 $GROUP 640 $GROUP "
chmod 644 "$T/u022.db" "$T/u022.db-wal"
run -d "$T/u022.db" init --group="$GROUP"
expect "init --group=G on an existing database" 0 \
    "$T/u022.db is up to date (schema $SCHEMA; lockout state $T/u022.db-state)" ""
truth "... repairs its modes and sets the group" \
    test "$(modes "$T/u022.db")" = "640 $GROUP 640 $GROUP 640 $GROUP "
rm "$T/u022.db-wal" "$T/u022.db-shm"
run -d "$T/u022.db" init
expect "init again after -wal and -shm were removed" 0 \
    "$T/u022.db is up to date (schema $SCHEMA; lockout state $T/u022.db-state)" ""
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
expect "user add alice from stdin" 0 "user alice added" ""
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
expect "511-byte password, no newline" 0 "user dave added" ""
run -i 'b0b
' -d "$DB" user add bob
expect "user add bob, CRLF line" 0 "user bob added" ""
run -d "$DB" user add
expect "user add without a name" 2 "" "$U_USER"

old=$("$SQLITE3" -batch "$DB" "SELECT hash FROM users WHERE name = 'alice'")
run -i 'n3w
' -d "$DB" user passwd alice
expect "user passwd alice" 0 "password of alice changed" ""
sql "the hash changed" \
    "SELECT hash <> '$old' AND hash GLOB '\$y\$*' FROM users
     WHERE name = 'alice'" "1"
run -i 'x
' -d "$DB" user passwd nosuch
expect "user passwd of a missing user" 1 "" \
    "portcullis: user nosuch: no such user"

# --- roles and members ------------------------------------------------
run -d "$DB" role add editor
expect "role add editor" 0 "role editor added" ""
run -d "$DB" role add editor
expect "role add of an existing role" 1 "" \
    "portcullis: role editor: already exists"
run -d "$DB" role add all
expect "role all refused by the schema" 1 "" "portcullis: role all: $ROLE_MSG"
run -d "$DB" role add 'valid-user'
expect "role valid-user refused" 1 "" \
    "portcullis: role valid-user: $ROLE_MSG"
run -d "$DB" role add admins
expect "role add admins" 0 "role admins added" ""
run -d "$DB" grant alice editor
expect "grant" 0 "alice granted editor" ""
run -d "$DB" grant alice editor
expect "grant again is idempotent" 0 "alice already holds editor" ""
run -d "$DB" grant alice admins
expect "grant a second role" 0 "alice granted admins" ""
sql "memberships" "SELECT user, role FROM members ORDER BY role" \
    "alice|admins
alice|editor"
run -d "$DB" grant nosuch editor
expect "grant to a missing user, named" 1 "" "portcullis: grant nosuch editor:"\
" no user 'nosuch' (portcullis user add nosuch)"
run -d "$DB" grant alice nosuch
expect "grant of a missing role, named" 1 "" "portcullis: grant alice nosuch:"\
" no role 'nosuch' (portcullis role add nosuch)"
run -d "$DB" user list
expect "user list" 0 "alice${TAB}enabled${TAB}admins,editor
bob${TAB}enabled${TAB}-
dave${TAB}enabled${TAB}-" ""

run -d "$DB" user disable bob
expect "user disable" 0 "user bob disabled" ""
sql "bob disabled" "SELECT disabled FROM users WHERE name = 'bob'" "1"
"$SQLITE3" -batch "$DB" \
    "UPDATE users SET expires = '2000-01-01' WHERE name = 'dave'"
run -d "$DB" user list
expect "user list: disabled, expired" 0 \
    "alice${TAB}enabled${TAB}admins,editor
bob${TAB}disabled${TAB}-
dave${TAB}expired${TAB}-" ""
run -d "$DB" user enable bob
expect "user enable" 0 "user bob enabled" ""
sql "bob enabled" "SELECT disabled FROM users WHERE name = 'bob'" "0"
run -d "$DB" user disable nosuch
expect "user disable of a missing user" 1 "" \
    "portcullis: user nosuch: no such user"

run -d "$DB" revoke alice admins
expect "revoke" 0 "admins revoked from alice" ""
run -d "$DB" revoke alice admins
expect "revoke of a missing membership" 1 "" \
    "portcullis: revoke alice admins: no such membership"
sql "membership gone" "SELECT user, role FROM members" "alice|editor"

# --- rules ----------------------------------------------------------------
run -d "$DB" rule add '/docs/**' GET,HEAD editor
expect "rule add says the rule and its id" 0 \
    "rule 1 added: /docs/** GET,HEAD editor" ""
run -d "$DB" rule add --host 'WWW.Example.COM.:8080' '/pub/**' '*' all
expect "rule add --host" 0 "rule 2 added: /pub/** host www.example.com * all" ""
sql "host stored canonical" "SELECT host FROM rules WHERE id = 2" \
    "www.example.com"
sql "resources made" \
    "SELECT pattern, ifnull(host, '*') FROM resources ORDER BY pattern" \
    "/docs/**|*
/pub/**|www.example.com"
run -d "$DB" rule add '/a*b' GET all
expect "bad pattern refused, named" 1 "" \
    "portcullis: rule add: pattern '/a*b' is not valid: an absolute path"\
" whose * and ** are whole segments, ** only last, without //, ., .., ?, #,"\
" % or a backslash (portcullis(8), Patterns)"
run -d "$DB" rule add "/a${TAB}b" GET all
expect "a pattern with a control byte: not echoed" 1 "" \
    "portcullis: rule add: the pattern holds a control character or is not UTF-8"
run -d "$DB" rule add /x 'GET,,POST' all
expect "an empty method refused" 1 "" \
    "portcullis: rule add: methods 'GET,,POST': an empty method"\
" (a comma-separated list, such as 'GET,POST', or '*')"
run -d "$DB" rule add '/wiki/**' get editor
expect "a lower-case method refused, naming it" 1 "" \
    "portcullis: rule add: method 'get' is not upper case: methods are"\
" case-sensitive (RFC 9110 ${SECT}9.1); did you mean GET?"
run -d "$DB" rule add '/wiki/**' GET,Post editor
expect "... a mixed-case one too, the first named" 1 "" \
    "portcullis: rule add: method 'Post' is not upper case: methods are"\
" case-sensitive (RFC 9110 ${SECT}9.1); did you mean POST?"
run -d "$DB" rule add /x 'GET POST' all
expect "methods that are not tokens" 1 "" \
    "portcullis: rule add: methods 'GET POST' must be '*' or a"\
" comma-separated list of HTTP method tokens, such as 'GET,POST'"
run -d "$DB" rule add /x GET editr
expect "an unknown role refused, naming it and the roles" 1 "" \
    "portcullis: rule add: no role 'editr' (portcullis role add editr;"\
" existing: admins, editor)"
run -d "$DB" rule add /x GET "a${TAB}b"
expect "a principal with a control byte: not echoed" 1 "" \
    "portcullis: rule add: principal must be all, valid-user or the name"\
" of a role"
run -d "$DB" rule add --host 'bad host' /x GET all
expect "bad --host refused" 1 "" \
    "portcullis: rule add: --host: not a valid host name"
run -d "$DB" rule add /x GET
expect "rule add without a principal: rule's usage" 2 "" "$U_RULE"
run -d "$DB" rule frobnicate
expect "rule: an unknown subcommand" 2 "" "$U_RULE"
sql "no rule or resource from the refusals" \
    "SELECT (SELECT count(*) FROM rules), (SELECT count(*) FROM resources)" \
    "2|2"
run -d "$DB" rule add /tmp GET valid-user
expect "rule add, third" 0 "rule 3 added: /tmp GET valid-user" ""
run -d "$DB" rule list
expect "rule list" 0 "1${TAB}*${TAB}/docs/**${TAB}GET,HEAD${TAB}editor
2${TAB}www.example.com${TAB}/pub/**${TAB}*${TAB}all
3${TAB}*${TAB}/tmp${TAB}GET${TAB}valid-user" ""
run -d "$DB" resource list
expect "resource list: pattern, host, rules" 0 "/docs/**${TAB}*${TAB}1
/pub/**${TAB}www.example.com${TAB}1
/tmp${TAB}*${TAB}1" ""
run -d "$DB" rule del 3
expect "rule del of a resource's last rule warns: 405 now" 0 \
    "rule 3 deleted: /tmp GET valid-user" \
    "portcullis: warning: resource /tmp has no rules left: every request it"\
" decides is now answered 405; portcullis resource del '/tmp' removes it"
run -d "$DB" rule del 3
expect "rule del of a missing rule" 1 "" "portcullis: rule 3: no such rule"
run -d "$DB" rule del x3
expect "rule del of a non-number, named" 1 "" \
    "portcullis: rule del: 'x3' is not a rule id (portcullis rule list shows them)"
run -d "$DB" rule del 0
expect "rule del 0" 1 "" \
    "portcullis: rule del: '0' is not a rule id (portcullis rule list shows them)"
run -d "$DB" resource list
expect "resource list: a resource without rules" 0 "/docs/**${TAB}*${TAB}1
/pub/**${TAB}www.example.com${TAB}1
/tmp${TAB}*${TAB}0" ""
run -d "$DB" rule add '/docs/**' PUT admins
expect "a second rule on /docs/**" 0 "rule 3 added: /docs/** PUT admins" ""
run -d "$DB" rule del 3
expect "rule del with rules left: no warning" 0 \
    "rule 3 deleted: /docs/** PUT admins" ""
run -d "$DB" rule add --host www.example.com '/pub/**' GET admins
expect "a second rule on the host's resource" 0 \
    "rule 3 added: /pub/** host www.example.com GET admins" ""
run -d "$DB" rule del 2
expect "rule del on a host's resource: no warning while rules remain" 0 \
    "rule 2 deleted: /pub/** host www.example.com * all" ""
run -d "$DB" rule del 3
expect "... the warning names the host" 0 \
    "rule 3 deleted: /pub/** host www.example.com GET admins" \
    "portcullis: warning: resource /pub/** host www.example.com has no"\
" rules left: every request it decides is now answered 405; portcullis"\
" resource del --host www.example.com '/pub/**' removes it"
run -d "$DB" resource del '/docs/**'
expect "resource del refuses while rules use it" 1 "" \
    "portcullis: resource /docs/**: rule 1 still uses it (portcullis rule"\
" del first, or resource del --force deletes it too)"
run -d "$DB" resource del /nosuch
expect "resource del of a missing resource" 1 "" \
    "portcullis: resource /nosuch: no such resource (portcullis resource"\
" list shows them)"
run -d "$DB" resource del /tmp
expect "resource del" 0 "resource /tmp deleted" ""
run -d "$DB" resource del '/pub/**'
expect "resource del: the any-host one is another resource" 1 "" \
    "portcullis: resource /pub/**: no such resource (portcullis resource"\
" list shows them)"
run -d "$DB" resource del --host WWW.example.com:80 '/pub/**'
expect "resource del --host, canonicalized" 0 \
    "resource /pub/** host www.example.com deleted" ""
run -d "$DB" rule add /r1 GET all
expect "setup: rule 2" 0 "rule 2 added: /r1 GET all" ""
run -d "$DB" rule add /r1 POST admins
expect "setup: rule 3" 0 "rule 3 added: /r1 POST admins" ""
run -d "$DB" resource del /r1
expect "resource del names every rule in the way" 1 "" \
    "portcullis: resource /r1: rules 2, 3 still use it (portcullis rule"\
" del first, or resource del --force deletes them too)"
run -d "$DB" resource del --force /r1
expect "resource del --force takes the rules with it" 0 \
    "resource /r1 deleted with rules 2, 3" ""
run -d "$DB" resource del --host 'bad host' /x
expect "resource del: a bad --host" 1 "" \
    "portcullis: resource del: --host: not a valid host name"
run -d "$DB" resource del
expect "resource del without a pattern" 2 "" "$U_RESOURCE"
run -d "$DB" resource del --color /x
expect "resource del: an unknown option" 2 "" "$U_RESOURCE"
run -d "$DB" resource list extra
expect "resource list takes nothing" 2 "" "$U_RESOURCE"
run -d "$DB" resource list
expect "resource list after the deletions" 0 "/docs/**${TAB}*${TAB}1" ""
sql "the rows left" \
    "SELECT id, pattern FROM rules ORDER BY id; SELECT count(*) FROM resources" \
    "1|/docs/**
1"

run -d "$DB" role del editor
expect "role del: its rules go, and the warning for a bare resource" 0 \
    "role editor deleted" \
    "portcullis: warning: resource /docs/** has no rules left: every request"\
" it decides is now answered 405; portcullis resource del '/docs/**'"\
" removes it"
sql "role del drops its members and rules" \
    "SELECT (SELECT count(*) FROM members),
     (SELECT count(*) FROM rules WHERE principal = 'editor')" \
    "0|0"
run -d "$DB" rule list
expect "rule list after role del" 0 "" ""
run -d "$DB" role del editor
expect "role del of a missing role" 1 "" "portcullis: role editor: no such role"

run -d "$DB" user del dave
expect "user del" 0 "user dave deleted" ""
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
expect "init of a new database, the lockout state beside it" 0 \
    "created $NEW (schema $SCHEMA; lockout state $NEW-state)" ""
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
expect "init migrates it" 0 \
    "migrated $OLD from schema 0 to $SCHEMA (lockout state $OLD-state)" ""
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
	# Ids are max + 1: role del editor deleted the last rule, so 1.
	run -d "$DB" rule add '/open/**' GET all
	expect "check setup: rule for all" 0 "rule 1 added: /open/** GET all" ""
	run -d "$DB" rule add '/priv/**' GET valid-user
	expect "check setup: rule for valid-user" 0 \
	    "rule 2 added: /priv/** GET valid-user" ""
	run -d "$DB" rule add --host www.example.com '/pub/**' '*' all
	expect "check setup: a host's rule" 0 \
	    "rule 3 added: /pub/** host www.example.com * all" ""

	run -d "$DB" check GET /open/a
	expect "check: anonymous GET on an all rule" 0 "$MODE_DEFAULT
path: /open/a
host: -
resource: /open/**
rule: 1
user: -
reason: grant-all
status: 200 OK
Status: 200 OK" ""

	run -i 'wrong
' -d "$DB" check GET /priv/x alice
	expect "check: wrong password is 401 with a challenge" 1 \
	    "$MODE_DEFAULT
path: /priv/x
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
	expect "check: valid user, canonical path" 0 "mode: responder (--mode)
path: /priv/a/x
host: -
resource: /priv/**
rule: 2
user: alice
reason: grant-valid-user
status: 200 OK
Status: 200 OK" ""

	for r in ops dev; do
		run -d "$DB" role add $r
		expect "check setup: role $r" 0 "role $r added" ""
		run -d "$DB" grant alice $r
		expect "check setup: alice holds $r" 0 "alice granted $r" ""
	done
	run -i 'n3w
' -d "$DB" check --mode authorizer GET /priv/x alice
	expect "check: authorizer allow hands over user and roles" 0 \
	    "mode: authorizer (--mode)
path: /priv/x
host: -
resource: /priv/**
rule: 2
user: alice
reason: grant-valid-user
status: 200 OK
Status: 200 OK
Variable-REMOTE_USER: alice
Variable-PORTCULLIS_ROLES: dev,ops" ""

	run -d "$DB" check --mode auth_request DELETE /open/a
	expect "check: auth_request sends 405 as 403 + X-Portcullis-Status" 1 \
	    "mode: auth_request (--mode)
path: /open/a
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
	expect "check: forward_auth anonymous allow" 0 "mode: forward_auth (--mode)
path: /open/a
host: -
resource: /open/**
rule: 1
user: -
reason: grant-all
status: 200 OK
Status: 200 OK
X-Portcullis-User: 
X-Portcullis-Roles: 
Cache-Control: no-store
Content-Length: 0" ""

	run -d "$DB" check --mode nonsense GET /open/a
	expect "check: an unknown --mode, named" 2 "" \
	    "portcullis: check: --mode: unknown mode 'nonsense' (responder,"\
" authorizer, auth_request or forward_auth)"
	PORTCULLIS_MODE=nginx run -d "$DB" check GET /open/a
	expect "check: an unknown PORTCULLIS_MODE, named" 2 "" \
	    "portcullis: check: PORTCULLIS_MODE: unknown mode 'nginx' (responder,"\
" authorizer, auth_request or forward_auth)"
	PORTCULLIS_MODE=authorizer run -d "$DB" check GET /open/a
	expect "check: PORTCULLIS_MODE=authorizer refused, as the server does" 2 \
	    "" "portcullis: check: PORTCULLIS_MODE: the server refuses"\
" 'authorizer' there (the FastCGI role makes one); use --mode authorizer"
	run -d "$DB" check --mode health GET /open/a
	expect "check: --mode health refused" 2 "" \
	    "portcullis: check: --mode: 'health' answers about portcullis.fcgi"\
" itself and decides no request"
	PORTCULLIS_MODE=metrics run -d "$DB" check GET /open/a
	expect "check: PORTCULLIS_MODE=metrics refused" 2 "" \
	    "portcullis: check: PORTCULLIS_MODE: 'metrics' answers about"\
" portcullis.fcgi itself and decides no request"
	run -d "$DB" check GET
	expect "check without a target: its usage" 2 "" "$U_CHECK"

	# The trap of issue 11: POST in responder mode is 405, behind
	# nginx it is a grant or a 403; the mode line says which it was.
	run -d "$DB" rule add '/wiki/**' GET,POST ops
	expect "check setup: POST for ops" 0 "rule 4 added: /wiki/** GET,POST ops" ""
	run -d "$DB" rule add '/wiki/**' GET viewers
	expect "check setup: GET for viewers" 1 "" \
	    "portcullis: rule add: no role 'viewers' (portcullis role add viewers;"\
" existing: admins, dev, ops)"
	run -d "$DB" role add viewers
	expect "check setup: role viewers" 0 "role viewers added" ""
	run -d "$DB" rule add '/wiki/**' GET viewers
	expect "check setup: GET for viewers, now" 0 \
	    "rule 5 added: /wiki/** GET viewers" ""
	run -d "$DB" grant bob viewers
	expect "check setup: bob views" 0 "bob granted viewers" ""
	run -i 'b0b' -d "$DB" check POST /wiki/edit/ bob
	expect "check: POST in the default mode is 405, and the mode says so" 1 \
	    "$MODE_DEFAULT
path: /wiki/edit/
host: -
resource: /wiki/**
rule: -
user: -
reason: no-method
status: 405 Method Not Allowed
Status: 405 Method Not Allowed
Allow: GET, HEAD
Cache-Control: no-store
Content-Type: text/plain; charset=utf-8
Content-Length: 23" ""
	PORTCULLIS_MODE=auth_request run -i 'b0b' -d "$DB" check POST /wiki/edit/ bob
	expect "check: PORTCULLIS_MODE, as the server reads it; a 403 names the grants" 1 \
	    "mode: auth_request (PORTCULLIS_MODE)
path: /wiki/edit/
host: -
resource: /wiki/**
rule: -
user: bob
reason: no-grant
granted to: ops (bob has: viewers)
status: 403 Forbidden
Status: 403 Forbidden
X-Portcullis-Status: 403
Cache-Control: no-store
Content-Type: text/plain; charset=utf-8
Content-Length: 14" ""
	run -d "$DB" grant bob admins
	expect "check setup: bob administers" 0 "bob granted admins" ""
	PORTCULLIS_MODE=auth_request run -i 'b0b' -d "$DB" \
	    check --mode authorizer DELETE /wiki/x bob
	expect "check: --mode beats PORTCULLIS_MODE; every role of the user" 1 \
	    "mode: authorizer (--mode)
path: /wiki/x
host: -
resource: /wiki/**
rule: -
user: -
reason: no-method
status: 405 Method Not Allowed
Status: 405 Method Not Allowed
Allow: GET, HEAD, POST
Cache-Control: no-store
Content-Type: text/plain; charset=utf-8
Content-Length: 23" ""
	run -i 'b0b' -d "$DB" check --mode authorizer POST /wiki/x bob
	expect "check: a 403 lists the user's roles" 1 \
	    "mode: authorizer (--mode)
path: /wiki/x
host: -
resource: /wiki/**
rule: -
user: bob
reason: no-grant
granted to: ops (bob has: admins, viewers)
status: 403 Forbidden
Status: 403 Forbidden
Cache-Control: no-store
Content-Type: text/plain; charset=utf-8
Content-Length: 14" ""
	run -d "$DB" revoke bob admins
	expect "check setup: bob no longer administers" 0 \
	    "admins revoked from bob" ""
	run -d "$DB" role del viewers
	expect "role del: no warning while other rules hold the resource" 0 \
	    "role viewers deleted" ""
	run -d "$DB" rule list
	expect "... its rule went, the other stays" 0 \
	    "1${TAB}*${TAB}/open/**${TAB}GET${TAB}all
2${TAB}*${TAB}/priv/**${TAB}GET${TAB}valid-user
3${TAB}www.example.com${TAB}/pub/**${TAB}*${TAB}all
4${TAB}*${TAB}/wiki/**${TAB}GET,POST${TAB}ops" ""

	run -i 'b0b' -d "$DB" check --host WWW.example.com:80 GET /pub/p bob
	expect "check: --host picks the host's resource" 0 "$MODE_DEFAULT
path: /pub/p
host: www.example.com
resource: /pub/** host www.example.com
rule: 3
user: -
reason: grant-all
status: 200 OK
Status: 200 OK" ""

	run -d "$DB" check GET /%2e%2e/
	expect "check: encoded dot-dot is 400" 1 "$MODE_DEFAULT
path: -
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
	expect "check: missing database is 500" 2 "$MODE_DEFAULT
path: /open/a
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
expect "check: a bad login through the lockout path" 1 "$MODE_DEFAULT
path: /lk/x
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
expect "lockout clear USER" 0 "lockout cleared: 2 entries" ""
run -d "$DB" lockout clear 192.0.2.7/32
expect "lockout clear NETWORK" 0 "lockout cleared: 1 entry" ""
run -d "$DB" lockout clear
expect "lockout clear: all" 0 "lockout cleared: 0 entries" ""
run -d "$DB" -S "$T/other-state" lockout list
expect "lockout -S: a missing state database" 1 "" \
"portcullis: $T/other-state: No such file or directory (make it with portcullis init)"
run -d "$DB" lockout frobnicate
expect "lockout: an unknown subcommand is a usage error" 2 "" "$U_LOCKOUT"
run -d "$DB" lockout list extra
expect "lockout list takes no argument" 2 "" "$U_LOCKOUT"

finish cli
