#!/bin/sh
# shell.sh: the administrator in the stock sqlite3 shell.
#
# Drives the real sqlite3 binary ($SQLITE3, else sqlite3) with the
# built extension (src/.libs/portcullis.so): hash_password() and
# verify_password(), their errors, their refusal inside views and
# triggers, and that the server accepts a hash made in the shell
# (`portcullis check`).  Then `portcullis shell`: the database checks,
# the sqlite3 command line it runs, foreign keys on, the extension
# loaded, no history file.  Last, the exact rows of every view of
# sql/0003-views.sql on a crafted database.
#
# Prints "ok N - ..." or "not ok N - ..." per assertion, then
# "shell: P passed, F failed"; exits 1 if any failed.

. "${top_srcdir:-.}/tests/lib.sh"

EXT=$top_builddir/src/.libs/portcullis
DB=$work/auth.db
unset PORTCULLIS_DB PORTCULLIS_EXTENSION SQLITE_HISTORY

# q SQL: run SQL on $DB in the real shell with the extension loaded;
# stdout in $work/q.out, stderr in $work/q.err, status in $rc.
q()
{
	printf '%s\n' "$1" | "$SQLITE3" -batch -cmd ".load '$EXT'" \
	    "$DB" >"$work/q.out" 2>"$work/q.err"
	rc=$?
}

# q_eq WHAT SQL WANT: SQL prints exactly WANT, nothing on stderr.
q_eq()
{
	q "$2"
	check_eq "$1" "$(cat "$work/q.out")$(cat "$work/q.err")" "$3"
}

# q_err WHAT SQL MESSAGE: SQL fails, stderr ends in ": MESSAGE".
q_err()
{
	q "$2"
	case $(cat "$work/q.err") in
	*": $3")	ok "$1" ;;
	*)		fail "$1: stderr [$(cat "$work/q.err")], want" \
			    "[...: $3]" ;;
	esac
}

if [ ! -f "$EXT.so" ]; then
	fail "the extension is built: no $EXT.so"
	finish shell
fi
"$ADMIN" -d "$DB" init || fail "init"
"$ADMIN" -d "$DB" rule add '/priv/**' GET valid-user >/dev/null ||
    fail "rule add"

# --- the extension in the stock shell --------------------------------
q_eq "hash_password() is yescrypt by default" \
    "SELECT substr(hash_password('s3cret'), 1, 3);" '$y$'
q_eq "... with a NULL scheme too" \
    "SELECT substr(hash_password('s3cret', NULL), 1, 3);" '$y$'
q_eq "bcrypt at libxcrypt's default cost" \
    "SELECT hash_password('s3cret', '\$2b\$') GLOB '\$2b\$[0-9][0-9]\$*';" 1
q_eq "bcrypt at cost 10" \
    "SELECT substr(hash_password('s3cret', '\$2b\$', 10), 1, 7);" '$2b$10$'
q_eq "sha512crypt" \
    "SELECT substr(hash_password('s3cret', '\$6\$'), 1, 3);" '$6$'
q_eq "argon2id at libsodium's interactive limits" \
    "SELECT substr(hash_password('s3cret', '\$argon2id\$'), 1, 31);" \
    '$argon2id$v=19$m=65536,t=2,p=1$'
q_eq "two hashes of one password differ (salt)" \
    "SELECT hash_password('s3cret') <> hash_password('s3cret');" 1
q_eq "hash_password(NULL) is NULL" \
    ".nullvalue NULL
SELECT hash_password(NULL);" NULL
q_eq "verify_password: right 1, wrong 0, for each scheme" \
    "WITH h(s) AS (VALUES ('\$y\$'), ('\$2b\$'), ('\$6\$'), ('\$argon2id\$')),
     x(s, h) AS (SELECT s, hash_password('s3cret', s) FROM h)
     SELECT group_concat(verify_password('s3cret', h) ||
         verify_password('s3cre7', h), ' ') FROM x;" '10 10 10 10'
q_eq "verify_password: an unsupported hash is 0" \
    "SELECT verify_password('x', '\$apr1\$abcdefgh\$0123456789abcdefghijkl'),
         verify_password('x', 'x');" '0|0'
q_eq "verify_password: an empty password is 0" \
    "SELECT verify_password('', hash_password('x'));" 0
q_eq "verify_password: NULL is NULL" \
    ".nullvalue NULL
SELECT verify_password(NULL, 'x'), verify_password('x', NULL);" 'NULL|NULL'
q_err "unsupported scheme" \
    "SELECT hash_password('x', '\$apr1\$');" "unsupported scheme"
q_err "... '\$2y\$' is verified but not made" \
    "SELECT hash_password('x', '\$2y\$');" "unsupported scheme"
q_err "bcrypt cost 3" \
    "SELECT hash_password('x', '\$2b\$', 3);" \
    "unsupported cost for this scheme"
q_err "a cost for argon2id" \
    "SELECT hash_password('x', '\$argon2id\$', 3);" \
    "unsupported cost for this scheme"
q_err "a text cost" \
    "SELECT hash_password('x', '\$2b\$', 'ten');" \
    "unsupported cost for this scheme"
q_err "an empty password" "SELECT hash_password('');" "empty password"
q_err "a NUL byte in the password" \
    "SELECT hash_password(CAST(x'610062' AS TEXT));" \
    "password contains a NUL byte"
q_err "a 512-byte password" \
    "SELECT hash_password(printf('%.*c', 512, 'a'));" "password too long"

# SQLITE_DIRECTONLY: a hostile file's views and triggers cannot call
# them (TEMP ones, the session's own, can).
HOSTILE=$work/hostile.db
"$SQLITE3" -batch "$HOSTILE" "CREATE TABLE t (x);
    CREATE TRIGGER t_ins AFTER INSERT ON t
    BEGIN SELECT verify_password('a', 'b'); END;
    CREATE VIEW v AS SELECT hash_password('x') AS h;" ||
    fail "hostile database"
printf "INSERT INTO t VALUES (1);\n" | "$SQLITE3" -batch \
    -cmd ".load '$EXT'" "$HOSTILE" >"$work/q.out" 2>"$work/q.err"
case $(cat "$work/q.err") in
*": unsafe use of verify_password()")	ok "a trigger calling it is refused" ;;
*)	fail "trigger: stderr [$(cat "$work/q.err")]" ;;
esac
printf "SELECT * FROM v;\n" | "$SQLITE3" -batch \
    -cmd ".load '$EXT'" "$HOSTILE" >"$work/q.out" 2>"$work/q.err"
case $(cat "$work/q.err") in
*": unsafe use of hash_password()")	ok "a stored view calling it is refused" ;;
*)	fail "view: stderr [$(cat "$work/q.err")]" ;;
esac

# A hash made in the shell is one the server accepts.
for s in '$y$' '$2b$' '$6$' '$argon2id$'; do
	u=user$(printf '%s' "$s" | tr -dc 'a-z0-9')
	q_eq "insert $u with a $s hash made in the shell" \
	    "INSERT INTO users (name, hash)
	     VALUES ('$u', hash_password('pw-$u', '$s'));
	     SELECT count(*) FROM users WHERE name = '$u';" 1
	printf 'pw-%s\n' "$u" | "$ADMIN" -d "$DB" check GET /priv/x "$u" \
	    >"$work/check.out" 2>&1
	check_eq "check: $u's password is accepted" "$?" 0
	printf 'wrong\n' | "$ADMIN" -d "$DB" check GET /priv/x "$u" \
	    >"$work/check.out" 2>&1
	check_eq "check: a wrong one is refused" "$?" 1
done
q_eq "UPDATE with hash_password(), checked by verify_password()" \
    "UPDATE users SET hash = hash_password('n3w') WHERE name = 'usery';
     SELECT verify_password('n3w', hash) FROM users WHERE name = 'usery';" 1
printf 'n3w\n' | "$ADMIN" -d "$DB" check GET /priv/x usery >/dev/null 2>&1
check_eq "check: the new password is accepted" "$?" 0

# --- portcullis shell ------------------------------------------------
USAGE_SHELL='usage: portcullis [-d DB] shell'
"$ADMIN" -d "$DB" shell extra </dev/null >"$work/out" 2>&1
rc=$?
if [ "$rc" -eq 2 ] && grep -qxF -- "$USAGE_SHELL" "$work/out"; then
	ok "shell takes no arguments; its usage says so"
else
	fail "shell extra: exit $rc, [$(cat "$work/out")]"
fi
"$ADMIN" -d "$work/none.db" shell </dev/null >"$work/out" 2>&1
check_eq "shell: a missing database is refused" "$?:$(cat "$work/out")" \
    "1:portcullis: $work/none.db: No such file or directory (make it with portcullis init)"
test ! -e "$work/none.db"
check_eq "... and not created" "$?" 0
OLDV=$work/old.db
"$ADMIN" -d "$OLDV" init && "$SQLITE3" -batch "$OLDV" "PRAGMA user_version = 1"
SCHEMA=$(ls "$top_srcdir"/sql/[0-9][0-9][0-9][0-9]-*.sql | wc -l)
"$ADMIN" -d "$OLDV" shell </dev/null >"$work/out" 2>&1
check_eq "shell: a wrong schema version is refused" \
    "$?:$(cat "$work/out")" \
    "1:portcullis: $OLDV: schema version 1, expected $SCHEMA:"\
" run portcullis init"
PORTCULLIS_EXTENSION=$work/nosuch "$ADMIN" -d "$DB" shell </dev/null \
    >"$work/out" 2>&1
check_eq "shell: a missing extension is refused" "$?:$(cat "$work/out")" \
    "1:portcullis: $work/nosuch.so: No such file or directory"
SQLITE3=$work/nosuch PORTCULLIS_EXTENSION=$EXT "$ADMIN" -d "$DB" shell \
    </dev/null >"$work/out" 2>&1
check_eq "shell: a missing sqlite3 is reported" "$?:$(cat "$work/out")" \
    "1:portcullis: $work/nosuch: No such file or directory"

echo "PRAGMA foreign_keys;
SELECT verify_password('a', hash_password('a'));
SELECT name FROM users WHERE name = 'usery';" |
    HOME=$work PORTCULLIS_EXTENSION=$EXT "$ADMIN" -d "$DB" shell \
    >"$work/out" 2>&1
check_eq "shell: foreign keys on, the extension loaded, the database" \
    "$?:$(cat "$work/out")" "0:1
1
usery"
echo "INSERT INTO members (user, role) VALUES ('usery', 'nosuch');" |
    PORTCULLIS_EXTENSION=$EXT "$ADMIN" -d "$DB" shell >"$work/out" 2>&1
case $(cat "$work/out") in
*"members: no such role (add it to roles first)"*)
	ok "shell: the schema's triggers answer" ;;
*)	fail "shell: [$(cat "$work/out")]" ;;
esac

# The command line and environment, through a wrapper that records
# them and runs the real shell in interactive mode (the mode that
# keeps a history) on the same standard input.
cat >"$work/sqlite3-wrap" <<EOF
#!/bin/sh
printf '%s\n' "SQLITE_HISTORY=\${SQLITE_HISTORY-unset}" "\$@" >"$work/argv"
exec "$SQLITE3" -interactive "\$@"
EOF
chmod +x "$work/sqlite3-wrap"
echo "SELECT 'interactive', verify_password('a', hash_password('a'));" |
    HOME=$work SQLITE3=$work/sqlite3-wrap PORTCULLIS_EXTENSION=$EXT \
    "$ADMIN" -d "$DB" shell >"$work/out" 2>&1
grep -qxF 'interactive|1' "$work/out"
check_eq "shell: runs \$SQLITE3, interactive" "$?" 0
check_eq "shell: the sqlite3 command line and SQLITE_HISTORY" \
    "$(cat "$work/argv")" "SQLITE_HISTORY=/dev/null
-cmd
PRAGMA foreign_keys = ON
-cmd
.timeout 5000
-cmd
.load '$EXT'
-cmd
.output /dev/null
-cmd
.filectrl persist_wal 1
-cmd
.output
$DB"
test ! -e "$work/.sqlite_history"
check_eq "shell: no ~/.sqlite_history" "$?" 0
test -c /dev/null
check_eq "shell: /dev/null is still a device" "$?" 0
# The control: this sqlite3 does write the history SQLITE_HISTORY names.
echo "SELECT 'remembered';" | SQLITE_HISTORY=$work/hist "$SQLITE3" \
    -interactive :memory: >/dev/null 2>&1
grep -qF "SELECT 'remembered';" "$work/hist" 2>/dev/null
check_eq "control: an interactive sqlite3 writes \$SQLITE_HISTORY" "$?" 0
cd "$work" && echo "SELECT count(*) FROM users WHERE name = 'usery';" |
    PORTCULLIS_EXTENSION=$EXT "$ADMIN" -d auth.db shell >"$work/out" 2>&1
check_eq "shell: a relative database name" "$?:$(cat "$work/out")" "0:1"
cd "$OLDPWD" || exit 1

# --- the views on a crafted database ---------------------------------
V=$work/views.db
"$ADMIN" -d "$V" init || fail "views: init"
"$SQLITE3" -batch "$V" <<'SQL' >"$work/out" 2>&1
INSERT INTO users (name, hash, disabled, expires) VALUES
    ('alice', '$y$j9T$salt$hash', 0, NULL),
    ('bob',   '$y$j9T$salt$hash', 0, '2999-01-01'),
    ('carol', '$y$j9T$salt$hash', 1, NULL),
    ('dave',  '$y$j9T$salt$hash', 0, '2000-01-01 12:00:00'),
    ('erin',  '$y$j9T$salt$hash', 0, NULL);
INSERT INTO roles (name) VALUES ('editor'), ('viewer'), ('ops'), ('idle');
INSERT INTO members (user, role) VALUES ('alice', 'viewer'),
    ('alice', 'editor'), ('bob', 'viewer'), ('carol', 'editor'),
    ('dave', 'ops');
INSERT INTO rules (pattern, methods, principal) VALUES
    ('/public/**', 'GET', 'all'),
    ('/docs/**', 'GET', 'viewer'),
    ('/docs/**', 'GET,PUT,DELETE', 'editor'),
    ('/members/**', 'GET,POST', 'valid-user'),
    ('/members/**', 'POST', 'editor');
INSERT INTO rules (pattern, host, methods, principal) VALUES
    ('/admin/**', 'example.org', '*', 'ops'),
    ('/admin/**', 'example.org', '*', 'editor');
INSERT INTO resources (pattern, host, comment) VALUES
    ('/old', NULL, 'left over'), ('/old', 'example.org', '');
SQL
check_eq "views: the crafted database" "$(cat "$work/out")" ""

# v_eq WHAT SQL WANT: SQL on $V prints exactly WANT.
v_eq()
{
	check_eq "$1" "$("$SQLITE3" -batch "$V" "$2" 2>&1)" "$3"
}

v_eq "effective_permissions" "SELECT * FROM effective_permissions" \
"alice|example.org|/admin/**|*|role editor|7
alice|*|/docs/**|DELETE|role editor|3
alice|*|/docs/**|GET|role viewer|2
alice|*|/docs/**|PUT|role editor|3
alice|*|/members/**|GET|valid-user|4
alice|*|/members/**|POST|valid-user|4
alice|*|/public/**|GET|all|1
bob|*|/docs/**|GET|role viewer|2
bob|*|/members/**|GET|valid-user|4
bob|*|/members/**|POST|valid-user|4
bob|*|/public/**|GET|all|1
carol|*|/public/**|GET|all|1
dave|*|/public/**|GET|all|1
erin|*|/members/**|GET|valid-user|4
erin|*|/members/**|POST|valid-user|4
erin|*|/public/**|GET|all|1"
v_eq "effective_permissions: columns" \
    "SELECT name FROM pragma_table_info('effective_permissions')" \
"user
host
pattern
method
how
rule"
v_eq "user_roles" "SELECT * FROM user_roles" \
"alice|editor,viewer|enabled
bob|viewer|enabled
carol|editor|disabled
dave|ops|expired
erin||enabled"
v_eq "user_roles: columns" \
    "SELECT group_concat(name, ',') FROM pragma_table_info('user_roles')" \
    "user,roles,state"
v_eq "resources_without_rules" "SELECT * FROM resources_without_rules" \
"*|/old|left over
example.org|/old|"
v_eq "resources_without_rules: columns" \
    "SELECT group_concat(name, ',')
     FROM pragma_table_info('resources_without_rules')" \
    "host,pattern,comment"
v_eq "users_without_roles" "SELECT * FROM users_without_roles" "erin|"
"$SQLITE3" -batch "$V" "DELETE FROM members WHERE user = 'bob'"
v_eq "users_without_roles: with an expiry to come" \
    "SELECT * FROM users_without_roles" "bob|2999-01-01
erin|"
v_eq "users_without_roles: columns" \
    "SELECT group_concat(name, ',')
     FROM pragma_table_info('users_without_roles')" "user,expires"
v_eq "a rule deleted: its resource is listed" \
    "DELETE FROM rules WHERE pattern = '/public/**';
     SELECT * FROM resources_without_rules" \
"*|/old|left over
example.org|/old|
*|/public/**|"

finish shell
