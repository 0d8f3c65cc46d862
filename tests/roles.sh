#!/bin/sh
# roles.sh: the role hierarchy (issue 12; sql/0010-roles.sql) through
# `portcullis`: the exact stdout, stderr and exit status of role
# include|exclude|list, the chain `check` names for a role held
# through inclusion, the roles it hands to the server, "granted to" on
# a 403, the hierarchy's lint findings, token add --roles through
# inclusion, and export | import policy carrying the inclusions.

set -u

. "${top_srcdir:-.}/tests/clilib.sh"

"$P" -d "$DB" init >/dev/null || exit 1
printf 's3cret\n' | "$P" -d "$DB" user add alice 2>/dev/null
printf 's3cret\n' | "$P" -d "$DB" user add bob 2>/dev/null
for r in admin editor viewer other; do
	"$P" -d "$DB" role add $r >/dev/null
done
"$P" -d "$DB" grant alice admin >/dev/null
"$P" -d "$DB" grant bob viewer >/dev/null
"$P" -d "$DB" rule add '/v/**' GET viewer >/dev/null		# 1
"$P" -d "$DB" rule add '/e/**' GET,PUT editor >/dev/null	# 2
"$P" -d "$DB" rule add '/a/**' GET admin >/dev/null		# 3

# --- usage -----------------------------------------------------------------
for args in "role include" "role include admin" "role include a b c" \
    "role exclude admin" "role list x"; do
	# shellcheck disable=SC2086
	run -d "$DB" $args
	result "$([ $rc -eq 2 ] && grep -q '^usage: ' "$T/err" &&
	    [ ! -s "$T/out" ] && echo 1 || echo 0)" "usage: $args"
done
run help role
expect "help role" 0 "usage: portcullis [-d DB] role add|del NAME
       portcullis [-d DB] role include|exclude ROLE INCLUDED
       portcullis [-d DB] role list
Add a role, or delete one with its memberships, inclusions and the rules that grant to it; make ROLE include INCLUDED (whoever holds ROLE holds INCLUDED), or no longer; list the roles with what they include." ""

# --- include, exclude, list ------------------------------------------------
run -d "$DB" role list
expect "list: no inclusions" 0 "admin	-	-
editor	-	-
other	-	-
viewer	-	-" ""
run -d "$DB" role include admin editor
expect "include" 0 "role admin now includes editor" ""
run -d "$DB" role include editor viewer
expect "include: a second" 0 "role editor now includes viewer" ""
run -d "$DB" role include admin editor
expect "include again: nothing to do" 0 "role admin already includes editor" ""
run -d "$DB" role include viewer admin
expect "include: a cycle, named" 1 "" \
    "portcullis: role include viewer admin: admin already includes viewer (admin > editor > viewer)"
run -d "$DB" role include editor admin
expect "include: a cycle of two" 1 "" \
    "portcullis: role include editor admin: admin already includes editor (admin > editor)"
run -d "$DB" role include viewer viewer
expect "include: itself" 1 "" \
    "portcullis: role include viewer viewer: a role cannot include itself"
run -d "$DB" role include admin nobody
expect "include: no such role" 1 "" \
    "portcullis: role include admin nobody: no role 'nobody' (portcullis role add nobody)"
run -d "$DB" role include nobody admin
expect "include: no such including role" 1 "" \
    "portcullis: role include nobody admin: no role 'nobody' (portcullis role add nobody)"
run -d "$DB" role include 'a b' admin
expect "include: a name the schema refuses" 1 "" \
    "portcullis: role include a b admin: no role 'a b' (portcullis role add a b)"
run -d "$DB" role list
expect "list" 0 "admin	editor	editor,viewer
editor	viewer	viewer
other	-	-
viewer	-	-" ""
sql "the rows" "SELECT role, includes FROM role_includes ORDER BY 1, 2" \
    "admin|editor
editor|viewer"

# --- check: the chain a role is held through ------------------------------
run -i 's3cret
' -d "$DB" check --mode auth_request GET /v/x alice
expect "check: held through two inclusions" 0 "mode: auth_request (--mode)
path: /v/x
host: -
resource: /v/**
rule: 1
user: alice
reason: grant-role
role: granted by rule 1 to viewer; alice holds it through admin > editor > viewer
status: 200 OK
Status: 200 OK
X-Portcullis-User: alice
X-Portcullis-Roles: admin,editor,viewer
Cache-Control: no-store
Content-Length: 0" ""
run -i 's3cret
' -d "$DB" check --mode auth_request GET /a/x alice
expect "check: held directly: no chain" 0 "mode: auth_request (--mode)
path: /a/x
host: -
resource: /a/**
rule: 3
user: alice
reason: grant-role
status: 200 OK
Status: 200 OK
X-Portcullis-User: alice
X-Portcullis-Roles: admin,editor,viewer
Cache-Control: no-store
Content-Length: 0" ""
run -i 's3cret
' -d "$DB" check --mode auth_request PUT /e/x bob
expect "check: 403, granted to, bob's roles" 1 "mode: auth_request (--mode)
path: /e/x
host: -
resource: /e/**
rule: -
user: bob
reason: no-grant
granted to: editor (bob has: viewer)
status: 403 Forbidden
Status: 403 Forbidden
X-Portcullis-Status: 403
Cache-Control: no-store
Content-Type: text/plain; charset=utf-8
Content-Length: 14" ""
"$P" -d "$DB" grant bob other >/dev/null
"$P" -d "$DB" role include other viewer >/dev/null
run -i 's3cret
' -d "$DB" check --mode authorizer GET /a/x bob
expect "check: 403 lists the included roles too" 1 "mode: authorizer (--mode)
path: /a/x
host: -
resource: /a/**
rule: -
user: bob
reason: no-grant
granted to: admin (bob has: other, viewer)
status: 403 Forbidden
Status: 403 Forbidden
Cache-Control: no-store
Content-Type: text/plain; charset=utf-8
Content-Length: 14" ""

# --- exclude -----------------------------------------------------------------
run -d "$DB" role include admin viewer
expect "include: already implied" 0 "role admin now includes viewer" ""
run -d "$DB" role exclude admin viewer
expect "exclude: still held through another" 0 \
    "role admin no longer includes viewer directly (it still does through admin > editor > viewer)" ""
run -d "$DB" role exclude admin viewer
expect "exclude: no such row" 1 "" \
    "portcullis: role exclude admin viewer: no such inclusion"
run -d "$DB" role exclude nobody viewer
expect "exclude: no such role" 1 "" \
    "portcullis: role exclude nobody viewer: no such role"

# --- lint ----------------------------------------------------------------------
"$P" -d "$DB" role include admin viewer >/dev/null
"$P" -d "$DB" role add staff >/dev/null
"$P" -d "$DB" role include staff editor >/dev/null
"$P" -d "$DB" grant bob staff >/dev/null
run -d "$DB" lint
expect "lint: an implied inclusion, a role that grants nothing new" 1 \
"role admin: includes viewer directly and through editor (admin > editor > viewer): the direct inclusion changes nothing (portcullis role exclude admin viewer)
role other: grants nothing that viewer does not: no rule names it, and what else it includes adds no grant (grant viewer instead)
role staff: grants nothing that editor does not: no rule names it, and what else it includes adds no grant (grant editor instead)" ""
"$P" -d "$DB" role exclude admin viewer >/dev/null
"$P" -d "$DB" role del staff >/dev/null
"$P" -d "$DB" revoke bob other >/dev/null
"$P" -d "$DB" role exclude other viewer >/dev/null
"$P" -d "$DB" role add ops >/dev/null
"$P" -d "$DB" rule add '/ops/**' GET ops >/dev/null		# 4
"$P" -d "$DB" role include admin ops >/dev/null
run -d "$DB" lint
expect "lint: a role held only through inclusion is held" 0 "" ""
"$P" -d "$DB" role exclude admin ops >/dev/null
run -d "$DB" lint
expect "lint: ... and unheld without it" 1 \
    "rule 4: role ops: no user holds it (nor a role that includes it), so the rule grants nothing" ""
"$P" -d "$DB" role del ops >/dev/null
"$P" -d "$DB" resource del '/ops/**' >/dev/null
"$SQLITE3" -batch "$DB" "DROP TRIGGER role_includes_no_cycle;
    INSERT INTO role_includes VALUES ('viewer', 'editor')"
run -d "$DB" lint
expect "lint: a cycle made with the triggers dropped" 1 \
    "rule 2: role editor: no user holds it, so the rule grants nothing
role_includes: role hierarchy: a cycle: editor > viewer > editor: the server answers 500 until it is mended" ""
run -i 's3cret
' -d "$DB" check --mode auth_request GET /v/x alice
expect "check: a cycle fails closed" 2 "mode: auth_request (--mode)
path: /v/x
host: -
resource: -
rule: -
user: -
reason: store
status: 500 Internal Server Error
Status: 403 Forbidden
X-Portcullis-Status: 500
Cache-Control: no-store
Content-Type: text/plain; charset=utf-8
Content-Length: 14" ""
"$SQLITE3" -batch "$DB" "DELETE FROM role_includes WHERE role = 'viewer'"

# --- tokens ---------------------------------------------------------------------
run -d "$DB" token add alice --roles editor
result "$([ $rc -eq 0 ] && [ ! -s "$T/err" ] && echo 1 || echo 0)" \
    "token add: a role held through inclusion"
tok=$(cat "$T/out")
run -d "$DB" token list alice
result "$([ $rc -eq 0 ] && grep -Eq '^[0-9a-f]{16} alice enabled [^ ]+ - editor,viewer$' "$T/out" &&
    echo 1 || echo 0)" "token list: closure of the owner's ∩ closure of the list"
run -d "$DB" token add bob --roles editor
expect "token add: a role not held" 1 "" \
    "portcullis: token add: role editor: the user does not hold it"
id=$(printf %s "$tok" | cut -c5-20)
run -i "$tok
" -d "$DB" check --mode auth_request --token "$id" GET /v/x
expect "check --token: the chain from the owner's role" 0 "mode: auth_request (--mode)
path: /v/x
host: -
resource: /v/**
rule: 1
user: alice
token: $id
reason: grant-role
role: granted by rule 1 to viewer; token $id of alice holds it through admin > editor > viewer
status: 200 OK
Status: 200 OK
X-Portcullis-User: alice
X-Portcullis-Roles: editor,viewer
Cache-Control: no-store
Content-Length: 0" ""

# --- export | import policy ---------------------------------------------------
run -d "$DB" export
grep '^INSERT INTO role_includes' "$T/out" >"$T/inc"
check_eq "export: the inclusions" "$(cat "$T/inc")" \
"INSERT INTO role_includes (role, includes) VALUES ('admin', 'editor');
INSERT INTO role_includes (role, includes) VALUES ('editor', 'viewer');"
cp "$T/out" "$T/policy.sql"
run -d "$DB" export --format json
result "$([ $rc -eq 0 ] && grep -q '^"role_includes": \[$' "$T/out" &&
    grep -qx '{"role": "admin", "includes": "editor"},' "$T/out" &&
    echo 1 || echo 0)" "export json: the inclusions"
"$P" -d "$DB" role exclude editor viewer >/dev/null
"$P" -d "$DB" role include admin viewer >/dev/null
run -d "$DB" import policy "$T/policy.sql"
expect "import policy: inclusions excluded, then included" 0 \
"excluded admin viewer
included editor viewer" ""
run -d "$DB" export
cmp -s "$T/out" "$T/policy.sql"
result "$([ $? -eq 0 ] && echo 1 || echo 0)" "export | import | export: the same bytes"
sed 's/^INSERT INTO role_includes.*editor.*viewer.*$/INSERT INTO role_includes (role, includes) VALUES ('"'"'editor'"'"', '"'"'admin'"'"');/' \
    "$T/policy.sql" >"$T/cycle.sql"
run -d "$DB" import policy "$T/cycle.sql"
expect "import policy: a cycle in the file" 1 "" \
    "portcullis: $T/cycle.sql: role hierarchy: a cycle: admin > editor > admin"
finish roles
