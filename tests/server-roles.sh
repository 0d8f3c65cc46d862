#!/bin/sh
# server-roles.sh: the role hierarchy (README "Role hierarchy", issue
# 12) through nginx auth_request and the shipped
# examples/nginx-auth_request.conf on 127.0.0.1, ports 19020-19039.
# bob holds viewer and ops; a rule for editors guards /docs/index.html.
# Once ops includes editor, bob is let in, and nginx receives the roles held through
# inclusion in X-Portcullis-Roles ($portcullis_roles); the inclusion
# deleted in a plain sqlite3 session applies to the next request (no
# restart), and a cycle made with the triggers dropped fails every
# request closed (500, named in the log) until it is mended.
. "${top_srcdir:-.}/tests/lib.sh"

command -v curl >/dev/null 2>&1 || skip_or_fail "curl is not installed"
command -v nginx >/dev/null 2>&1 || skip_or_fail "nginx is not installed"
demo_setup "$work" || { fail "demo database"; finish server-roles; }
sock=$work/portcullis.sock

adm()
{
	"$ADMIN" -d "$work/auth.db" "$@" >/dev/null
}
adm role add ops
adm grant bob ops

# req OUT TARGET USER:PASS: one GET; OUT.line the status line, OUT.roles
# and OUT.user what nginx received from Portcullis (shown by the
# test's copy of the configuration, below).
req()
{
	curl -s -i --max-time 10 -u "$3" "http://127.0.0.1:$port$2" \
	    >"$1" 2>/dev/null
	split_response "$1"
	head -n 1 "$1" | tr -d '\r' >"$1.line"
	sed -n 's/^X-Test-Roles: //p' "$1.hdr" >"$1.roles"
	sed -n 's/^X-Test-User: //p' "$1.hdr" >"$1.user"
}
# seen DESC OUT LINE USER ROLES: what the client and nginx saw.
seen()
{
	check_eq "$1" "$(cat "$2.line")|$(cat "$2.user")|$(cat "$2.roles")" \
	    "$3|$4|$5"
}

rm -f "$sock"
"$FCGI" -n 1 -d "$work/auth.db" -s "$sock" 2>>"$work/fcgi.err" &
fpid=$!
started $fpid
wait_socket "$sock" $fpid || { fail "portcullis.fcgi: $(tail -3 "$work/fcgi.err")"; finish server-roles; }

# As tests/server-nginx.sh: the user and roles nginx received, shown
# as response headers (the shipped file keeps them from the client).
start_nginx nginx-auth_request.conf roles 19020 20 \
    's|^\([[:space:]]*\)error_page 403 = @portcullis;|&\
\1add_header X-Test-User $portcullis_user always;\
\1add_header X-Test-Roles $portcullis_roles always;|' || finish server-roles

req "$work/r1" /docs/index.html bob:builder
seen "bob (viewer, ops): editors' file refused" "$work/r1" \
    "HTTP/1.1 403 Forbidden" "" ""
req "$work/r2" /docs/guide.txt bob:builder
seen "bob: viewers' file, his direct roles" "$work/r2" "HTTP/1.1 200 OK" \
    bob "ops,viewer"

adm role include ops editor
req "$work/r3" /docs/index.html bob:builder
seen "ops includes editor: bob let in, editor passed on" "$work/r3" \
    "HTTP/1.1 200 OK" bob "editor,ops,viewer"
check_eq "the file served" "$(cat "$work/r3.body")" "<h1>Docs</h1>"

# Deleted in a plain sqlite3 session (foreign keys off): the next
# request reads it.
"$SQLITE3" -batch "$work/auth.db" \
    "DELETE FROM role_includes WHERE role = 'ops' AND includes = 'editor'"
req "$work/r4" /docs/index.html bob:builder
seen "inclusion deleted: the next request refused" "$work/r4" \
    "HTTP/1.1 403 Forbidden" "" ""
req "$work/r5" /docs/guide.txt bob:builder
seen "... and the roles passed on are bob's own again" "$work/r5" \
    "HTTP/1.1 200 OK" bob "ops,viewer"

# Two levels: admin > editor > viewer; alice's roles gain admin's.
adm role include admin editor
adm role include editor viewer
req "$work/r6" /docs/index.html alice:wonderland
seen "alice (editor, viewer): viewer now included, once" "$work/r6" \
    "HTTP/1.1 200 OK" alice "editor,viewer"

# A cycle made with the triggers dropped: every request 500, named in
# the log; mended, served again.
"$SQLITE3" -batch "$work/auth.db" "DROP TRIGGER role_includes_no_cycle;
    INSERT INTO role_includes VALUES ('viewer', 'admin')"
req "$work/r7" /docs/guide.txt bob:builder
seen "a cycle: refused closed" "$work/r7" \
    "HTTP/1.1 500 Internal Server Error" "" ""
curl -s -i --max-time 10 "http://127.0.0.1:$port/public/index.html" \
    >"$work/r8" 2>/dev/null
check_eq "a cycle: even a rule for all" \
    "$(head -n 1 "$work/r8" | tr -d '\r')" "HTTP/1.1 500 Internal Server Error"
grep -q 'reason=store.*role hierarchy: a cycle: admin > editor > viewer > admin' \
    "$nginx_d/logs/portcullis-error.log" &&
    ok "a cycle: the log names it" ||
    fail "a cycle: $(grep -i 'hierarchy' "$nginx_d/logs/portcullis-error.log" | tail -1)"
"$SQLITE3" -batch "$work/auth.db" \
    "DELETE FROM role_includes WHERE role = 'viewer'"
req "$work/r9" /docs/guide.txt bob:builder
seen "mended: served again" "$work/r9" "HTTP/1.1 200 OK" bob "ops,viewer"

stop_server "$fpid"
finish server-roles
