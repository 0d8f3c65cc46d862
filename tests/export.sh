#!/bin/sh
# export.sh: `portcullis export` and `portcullis import policy`.
#
# Asserts the exact export of a small policy in both formats, that the
# JSON is well-formed (python3 -m json.tool, else node), that export
# -> import policy into a fresh database -> export is byte-identical,
# that a second import changes nothing, that an import makes the
# database's policy the file's (exact change lines), and that a
# malformed file is refused whole.  Prints "ok N - ..." or
# "not ok N - ..." per assertion, then "export: P passed, F failed".

set -u

. "${top_srcdir:-.}/tests/clilib.sh"

# same DESC FILE1 FILE2: the files are byte-identical.
same() {
	if cmp -s "$2" "$3"; then
		result 1 "$1"
	else
		result 0 "$1"
		diff "$2" "$3" | sed 's/^/# /'
	fi
}

run -d "$DB" init
expect "init" 0 "$(created "$DB")" ""
"$SQLITE3" -batch "$DB" "
INSERT INTO users (name, hash, disabled, expires) VALUES
    ('bob', '\$y\$j9T\$abc\$def', 1, '2030-01-01'),
    ('alice', '\$y\$j9T\$abc\$def', 0, NULL),
    ('zoë', '\$y\$j9T\$abc\$def', 0, '2031-02-03 04:05:06');
INSERT INTO roles (name, comment) VALUES
    ('editor', 'it''s -- edit' || char(10) || 'ors'),
    ('viewer', 'tab' || char(9) || '\"q\" \\ é');
INSERT INTO members (user, role) VALUES
    ('bob', 'viewer'), ('alice', 'editor'), ('alice', 'viewer');
INSERT INTO role_includes (role, includes) VALUES ('editor', 'viewer');
INSERT INTO resources (pattern, host, comment)
    VALUES ('/empty', NULL, 'nothing yet');
INSERT INTO rules (id, pattern, host, methods, principal, comment) VALUES
    (3, '/docs/**', NULL, 'GET', 'viewer', ''),
    (7, '/docs/**', 'ex.org', 'GET,PUT', 'editor', 'intranet'),
    (9, '/', NULL, '*', 'all', '');
UPDATE settings SET value = 'Staff only' WHERE name = 'realm';
UPDATE settings SET value = '60' WHERE name = 'credential_cache_seconds';
" || echo "# setup failed"

run -d "$DB" export
expect "export: sql, the default" 0 "-- portcullis policy, format 1
-- Written by portcullis export; read by portcullis import policy.
-- Users carry no password hashes.
INSERT INTO settings (name, value) VALUES ('credential_cache_entries', '4096');
INSERT INTO settings (name, value) VALUES ('credential_cache_seconds', '60');
INSERT INTO settings (name, value) VALUES ('proxy_auth', 'off');
INSERT INTO settings (name, value) VALUES ('realm', 'Staff only');
INSERT INTO users (name, disabled, expires) VALUES ('alice', 0, NULL);
INSERT INTO users (name, disabled, expires) VALUES ('bob', 1, '2030-01-01');
INSERT INTO users (name, disabled, expires) VALUES ('zoë', 0, '2031-02-03 04:05:06');
INSERT INTO roles (name, comment) VALUES ('editor', 'it''s -- edit
ors');
INSERT INTO roles (name, comment) VALUES ('viewer', 'tab	\"q\" \\ é');
INSERT INTO members (user, role) VALUES ('alice', 'editor');
INSERT INTO members (user, role) VALUES ('alice', 'viewer');
INSERT INTO members (user, role) VALUES ('bob', 'viewer');
INSERT INTO resources (pattern, host, comment) VALUES ('/', NULL, '');
INSERT INTO resources (pattern, host, comment) VALUES ('/docs/**', NULL, '');
INSERT INTO resources (pattern, host, comment) VALUES ('/docs/**', 'ex.org', '');
INSERT INTO resources (pattern, host, comment) VALUES ('/empty', NULL, 'nothing yet');
INSERT INTO rules (id, pattern, host, methods, principal, comment, network) VALUES (3, '/docs/**', NULL, 'GET', 'viewer', '', NULL);
INSERT INTO rules (id, pattern, host, methods, principal, comment, network) VALUES (7, '/docs/**', 'ex.org', 'GET,PUT', 'editor', 'intranet', NULL);
INSERT INTO rules (id, pattern, host, methods, principal, comment, network) VALUES (9, '/', NULL, '*', 'all', '', NULL);
INSERT INTO role_includes (role, includes) VALUES ('editor', 'viewer');" ""
cp "$T/out" "$T/e1.sql"
run -d "$DB" export --format sql
same "export --format sql is the same, byte for byte" "$T/e1.sql" "$T/out"
_ok=1
grep -q 'j9T' "$T/e1.sql" && _ok=0
result $_ok "no password hash in the export"

run -d "$DB" export --format json
expect "export --format json" 0 '{
"format": "portcullis policy 1",
"settings": {
"credential_cache_entries": "4096",
"credential_cache_seconds": "60",
"proxy_auth": "off",
"realm": "Staff only"
},
"users": [
{"name": "alice", "disabled": false, "expires": null},
{"name": "bob", "disabled": true, "expires": "2030-01-01"},
{"name": "zoë", "disabled": false, "expires": "2031-02-03 04:05:06"}
],
"roles": [
{"name": "editor", "comment": "it'"'"'s -- edit\nors"},
{"name": "viewer", "comment": "tab\t\"q\" \\ é"}
],
"members": [
{"user": "alice", "role": "editor"},
{"user": "alice", "role": "viewer"},
{"user": "bob", "role": "viewer"}
],
"resources": [
{"pattern": "/", "host": null, "comment": ""},
{"pattern": "/docs/**", "host": null, "comment": ""},
{"pattern": "/docs/**", "host": "ex.org", "comment": ""},
{"pattern": "/empty", "host": null, "comment": "nothing yet"}
],
"networks": [
],
"rules": [
{"id": 3, "pattern": "/docs/**", "host": null, "methods": "GET", "principal": "viewer", "comment": "", "network": null},
{"id": 7, "pattern": "/docs/**", "host": "ex.org", "methods": "GET,PUT", "principal": "editor", "comment": "intranet", "network": null},
{"id": 9, "pattern": "/", "host": null, "methods": "*", "principal": "all", "comment": "", "network": null}
],
"certificates": [
],
"role_includes": [
{"role": "editor", "includes": "viewer"}
]
}' ""
cp "$T/out" "$T/e1.json"
if command -v python3 >/dev/null 2>&1; then
	python3 -m json.tool "$T/e1.json" >/dev/null 2>"$T/jerr"
else
	node -e 'JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))' \
	    "$T/e1.json" 2>"$T/jerr"
fi
_ok=$?
[ $_ok -eq 0 ] && _ok=1 || _ok=0
result $_ok "the JSON is well-formed"
[ $_ok -eq 1 ] || sed 's/^/# /' "$T/jerr"

# --- the round trip ---------------------------------------------------------
MAIN=$DB
DB=$T/fresh.db
run -d "$DB" init
NOPASS="(no usable password: set one with portcullis user passwd)"
run -d "$DB" import policy --dry-run "$T/e1.sql"
expect "import policy --dry-run into a fresh database" 0 "set credential_cache_seconds 60
set realm Staff only
add role editor
add role viewer
add user alice $NOPASS
add user bob $NOPASS
add user zoë $NOPASS
add resource /
add resource /docs/**
add resource /docs/** host ex.org
add resource /empty
add rule 3 (/docs/** GET viewer)
add rule 7 (/docs/** host ex.org GET,PUT editor)
add rule 9 (/ * all)
include editor viewer
grant alice editor
grant alice viewer
grant bob viewer" ""
sql "... changes nothing" \
    "SELECT (SELECT count(*) FROM users) + (SELECT count(*) FROM roles) +
     (SELECT count(*) FROM rules), (SELECT value FROM settings
     WHERE name = 'realm')" "0|Portcullis"
run -d "$DB" import policy "$T/e1.sql"
expect "import policy" 0 "set credential_cache_seconds 60
set realm Staff only
added role editor
added role viewer
added user alice $NOPASS
added user bob $NOPASS
added user zoë $NOPASS
added resource /
added resource /docs/**
added resource /docs/** host ex.org
added resource /empty
added rule 3 (/docs/** GET viewer)
added rule 7 (/docs/** host ex.org GET,PUT editor)
added rule 9 (/ * all)
included editor viewer
granted alice editor
granted alice viewer
granted bob viewer" ""
run -d "$DB" export
same "export -> import -> export is byte-identical" "$T/e1.sql" "$T/out"
run -d "$DB" export --format json
same "... in JSON too" "$T/e1.json" "$T/out"
run -d "$DB" import policy "$T/e1.sql"
expect "import policy again: no changes" 0 "no changes" ""
sql "imported users got yescrypt hashes" \
    "SELECT count(*) FROM users WHERE hash GLOB '\$y\$*'" "3"
run -i 'anything
' -d "$DB" check GET / alice
run -d "$DB" rule add '/p/**' GET valid-user
run -i 'guess
' -d "$DB" check GET /p/x alice
_ok=0
[ "$rc" -eq 1 ] && grep -q '^status: 401' "$T/out" && _ok=1
result $_ok "an imported user cannot log in"
run -i 's3cret
' -d "$DB" user passwd alice
run -i 's3cret
' -d "$DB" check GET /p/x alice
_ok=0
[ "$rc" -eq 0 ] && _ok=1
result $_ok "... until user passwd sets a password"

# --- import makes the database's policy the file's ----------------------------
# From the fresh database (with rule 10 for /p/** added above): the
# file drops rules 7 and 10, role editor and alice's memberships,
# changes viewer's comment and bob, and adds carol.
sed -e "/(7, /d" -e "/('editor', 'it/,/^ors');\$/d" -e "/, 'editor');/d" \
    -e "/('alice', 'viewer')/d" -e "/INTO role_includes/d" \
    -e "s/'tab.*é'/'readers'/" \
    -e "s/('bob', 1, '2030-01-01')/('bob', 0, NULL)/" "$T/e1.sql" >"$T/e2.sql"
echo "INSERT INTO users (name, disabled, expires) VALUES ('carol', 1, NULL);" \
    >>"$T/e2.sql"
echo "INSERT INTO members (user, role) VALUES ('carol', 'viewer');" \
    >>"$T/e2.sql"
run -d "$DB" import policy --dry-run "$T/e2.sql"
expect "import of a changed policy: the changes" 0 "update role viewer
update user bob
add user carol $NOPASS
delete rule 7 (/docs/** host ex.org GET,PUT editor)
delete rule 10 (/p/** GET valid-user)
exclude editor viewer
revoke alice editor
revoke alice viewer
grant carol viewer
delete resource /p/**
delete role editor" ""
run -d "$DB" import policy "$T/e2.sql"
run -d "$DB" export
sed '/carol/d' "$T/e2.sql" >"$T/want"
# The export puts carol in order: compare without her, then count.
sed '/carol/d' "$T/out" >"$T/got"
same "the database holds the file's policy" "$T/want" "$T/got"
sql "carol, disabled, in viewer" \
    "SELECT u.disabled, m.role FROM users AS u JOIN members AS m
     ON m.user = u.name WHERE u.name = 'carol'" "1|viewer"
run -d "$DB" import policy "$T/e2.sql"
expect "... and again: no changes" 0 "no changes" ""

# --- refusals -------------------------------------------------------------------
run -d "$DB" export
cp "$T/out" "$T/before"
H='-- portcullis policy, format 1'
i=0
while IFS='|' read -r desc body where why; do
	i=$((i + 1))
	printf '%s\n%s\n' "$H" "INSERT INTO roles (name, comment) VALUES ('newrole', '');" \
	    >"$T/bad$i"
	printf '%b\n' "$body" >>"$T/bad$i"
	run -d "$DB" import policy "$T/bad$i"
	expect "refused: $desc" 1 "" "portcullis: $T/bad$i$where: $why"
done <<'EOT'
any SQL|DROP TABLE users;|:3|expected INSERT
an unknown table|INSERT INTO sqlite_schema (name) VALUES ('x');|:3|expected a table: settings, users, roles, members, resources, networks, rules, certificates or role_includes
other columns|INSERT INTO roles (name) VALUES ('x');|:3|expected ','
a missing semicolon|INSERT INTO roles (name, comment) VALUES ('x', '')|:4|expected ';'
an integer for a string|INSERT INTO roles (name, comment) VALUES (1, '');|:3|roles.name: expected a string
NULL for a name|INSERT INTO users (name, disabled, expires) VALUES (NULL, 0, NULL);|:3|users.name: expected a string
an unterminated string|INSERT INTO roles (name, comment) VALUES ('x\n\n|:3|unterminated string
a duplicate role|INSERT INTO roles (name, comment) VALUES ('newrole', 'again');|:3|role again (line 2)
a member of a role not in the file|INSERT INTO members (user, role) VALUES ('bob', 'ghost');|:3|member bob ghost: no role ghost in the file
a member not in the file or the database|INSERT INTO members (user, role) VALUES ('nobody', 'newrole');|:3|member nobody newrole: no user nobody in the file or the database
a rule for a role not in the file|INSERT INTO rules (id, pattern, host, methods, principal, comment) VALUES (1, '/x', NULL, 'GET', 'ghost', '');|:3|rule 1: no role ghost in the file
an inclusion of a role not in the file|INSERT INTO role_includes (role, includes) VALUES ('newrole', 'ghost');|:3|inclusion newrole ghost: no role ghost in the file
an inclusion by a role not in the file|INSERT INTO role_includes (role, includes) VALUES ('ghost', 'newrole');|:3|inclusion ghost newrole: no role ghost in the file
an inclusion twice|INSERT INTO roles (name, comment) VALUES ('r2', '');\nINSERT INTO role_includes (role, includes) VALUES ('newrole', 'r2');\nINSERT INTO role_includes (role, includes) VALUES ('newrole', 'r2');|:5|inclusion again (line 4)
a role including itself (the schema)|INSERT INTO role_includes (role, includes) VALUES ('newrole', 'newrole');||role hierarchy: a cycle: newrole > newrole
a cycle|INSERT INTO roles (name, comment) VALUES ('r2', '');\nINSERT INTO role_includes (role, includes) VALUES ('newrole', 'r2');\nINSERT INTO role_includes (role, includes) VALUES ('r2', 'newrole');||role hierarchy: a cycle: newrole > r2 > newrole
a bad pattern (the schema)|INSERT INTO rules (id, pattern, host, methods, principal, comment) VALUES (1, 'x', NULL, 'GET', 'all', '');|:3|rule 1: pattern must be an absolute path; * and ** are whole segments, ** only last (portcullis(5), Patterns)
disabled not 0 or 1|INSERT INTO users (name, disabled, expires) VALUES ('x', 2, NULL);|:3|users.disabled must be 0 or 1
a bad expiry (the schema)|INSERT INTO users (name, disabled, expires) VALUES ('x', 0, 'soon');|:3|user x: expires must be NULL or a date, YYYY-MM-DD[ HH:MM:SS] (UTC)
a rule id of 0|INSERT INTO rules (id, pattern, host, methods, principal, comment) VALUES (0, '/x', NULL, 'GET', 'all', '');|:3|rules.id must be 1 or more
a cache age out of range (the schema)|INSERT INTO settings (name, value) VALUES ('credential_cache_seconds', '86401');|:3|setting credential_cache_seconds: credential_cache_seconds must be a whole number of seconds from 0 (off) to 86400
a cache size of 0 (the schema)|INSERT INTO settings (name, value) VALUES ('credential_cache_entries', '0');|:3|setting credential_cache_entries: credential_cache_entries must be a whole number from 1 to 1000000
EOT
printf 'INSERT INTO roles (name, comment) VALUES (%s, %s);\n' "'x'" "''" \
    >"$T/nohead"
run -d "$DB" import policy "$T/nohead"
expect "refused: no header" 1 "" "portcullis: $T/nohead:1: not a policy export: the first line must be \"$H\" (portcullis export --format sql)"
run -d "$DB" import policy "$T/e1.json"
expect "refused: JSON" 1 "" "portcullis: $T/e1.json:1: not a policy export: the first line must be \"$H\" (portcullis export --format sql)"
run -d "$DB" export
same "nothing written by the refused files" "$T/before" "$T/out"

# --- usage -----------------------------------------------------------------
for args in "export --format xml" "export --format" "export extra" \
    "import policy"; do
	# shellcheck disable=SC2086
	run -d "$MAIN" $args
	_ok=0
	[ "$rc" -eq 2 ] && grep -q '^usage: portcullis' "$T/err" && _ok=1
	result $_ok "usage error: $args"
done
run -d "$T/none.db" export
expect "export of a missing database" 1 "" \
    "portcullis: $T/none.db: No such file or directory (make it with portcullis init)"

finish export
