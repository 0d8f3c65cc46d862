#!/bin/sh
# fcgi.sh: the built portcullis.fcgi as a FastCGI server on a Unix
# socket of its own (-s), driven by libfcgi's cgi-fcgi; the same
# table as cgi.sh, then a change made in the sqlite3 shell while it
# runs, then SIGTERM.
. "${top_srcdir:-.}/tests/lib.sh"

command -v cgi-fcgi >/dev/null 2>&1 ||
    skip_or_fail "cgi-fcgi (libfcgi-bin) is not installed"
demo_setup "$work" || { fail "demo database"; finish fcgi; }

sock=$work/portcullis.sock
PORTCULLIS_DB="$work/auth.db" PORTCULLIS_ROOT="$work/www" \
    "$FCGI" -s "$sock" </dev/null 2>"$work/fcgi.err" &
fpid=$!
started $fpid
wait_socket "$sock" $fpid && ok "listening on $sock" || fail "no socket"
check_eq "socket mode" "$(stat -c %a "$sock")" 660

run_table "$top_srcdir/tests/decisions.tab" send_fcgi

# The sqlite3 shell changes the policy; the running process obeys at
# the next request: bob loses the viewer role, then gets it back.
send_fcgi GET /docs/guide.txt bob builder "$work/live1"
check_eq "before revoke" "$(cat "$work/live1.status")" 200
"$SQLITE3" -batch "$work/auth.db" \
    "DELETE FROM members WHERE user = 'bob' AND role = 'viewer'"
send_fcgi GET /docs/guide.txt bob builder "$work/live2"
check_eq "after revoke in the shell" "$(cat "$work/live2.status")" 403
"$SQLITE3" -batch "$work/auth.db" \
    "INSERT INTO members (user, role) VALUES ('bob', 'viewer')"
send_fcgi GET /docs/guide.txt bob builder "$work/live3"
check_eq "after grant in the shell" "$(cat "$work/live3.status")" 200
printf 'newpass\n' | "$ADMIN" -d "$work/auth.db" user passwd bob
send_fcgi GET /docs/guide.txt bob builder "$work/live4"
check_eq "old password after passwd" "$(cat "$work/live4.status")" 401
send_fcgi GET /docs/guide.txt bob newpass "$work/live5"
check_eq "new password after passwd" "$(cat "$work/live5.status")" 200

# A resource without rules supports no method: 405, empty Allow.
"$SQLITE3" -batch "$work/auth.db" "INSERT INTO resources (pattern) VALUES ('/closed/**')"
send_fcgi GET /closed/x - - "$work/live7"
check_eq "resource without rules" "$(cat "$work/live7.status")" 405
check_eq "empty Allow" "$(grep '^Allow:' "$work/live7.hdr")" "Allow: "

# The admin replaces the database the safe way (never mv or cp over a
# WAL database: its -wal would be replayed onto the new file): the
# process honours it on the next request.
"$SQLITE3" -batch "$work/auth.db" ".backup '$work/auth.db.new'"
"$SQLITE3" -batch "$work/auth.db.new" \
    "UPDATE settings SET value = 'Replaced' WHERE name = 'realm'"
"$ADMIN" -d "$work/auth.db" replace "$work/auth.db.new" >/dev/null
send_fcgi GET /docs/guide.txt - - "$work/live6"
check_eq "replaced database file" \
    "$(grep '^WWW-Authenticate' "$work/live6.hdr")" \
    'WWW-Authenticate: Basic realm="Replaced", charset="UTF-8"'

# Denials went to FCGI_STDERR (what cgi-fcgi prints on stderr).
grep -q '^portcullis: denied: client=127.0.0.1 status=403 reason=no-grant user="bob" method="GET" uri="/admin/"' \
    "$work/cgi-fcgi.err" && ok "403 logged on FCGI_STDERR" ||
    fail "403 not logged: $(head -5 "$work/cgi-fcgi.err")"
# A 400 names the target it refused, as sent (escaped, bounded).
send_fcgi GET '/a/../../etc/"passwd' - - "$work/bad1"
check_eq "bad target: 400" "$(cat "$work/bad1.status")" 400
grep -qxF 'portcullis: denied: client=127.0.0.1 status=400 reason=bad-target user="" method="GET" uri="/a/../../etc/\"passwd"' \
    "$work/cgi-fcgi.err" && ok "400 logged with its target" ||
    fail "400 line: $(grep status=400 "$work/cgi-fcgi.err")"
if grep -q 'builder\|wonderland\|Basic ' "$work/cgi-fcgi.err" \
    "$work/fcgi.err"; then
	fail "a secret reached the log"
else
	ok "no secret in the log"
fi

# -l stderr: log lines go to the process's stderr, not FCGI_STDERR
# (for servers that drop FastCGI stderr, such as Caddy 2.6).
sock2=$work/portcullis2.sock
PORTCULLIS_DB="$work/auth.db" "$FCGI" -l stderr -s "$sock2" </dev/null \
    2>"$work/fcgi2.err" &
pid2=$!
started $pid2
wait_socket "$sock2" $pid2 || fail "no socket for -l stderr"
env -i REQUEST_METHOD=GET REQUEST_URI=/docs/guide.txt \
    REMOTE_ADDR=127.0.0.9 HTTP_AUTHORIZATION="Basic $(b64 bob:nope)" \
    timeout 10 cgi-fcgi -bind -connect "$sock2" >"$work/l1" \
    2>"$work/l1.err" </dev/null
split_response "$work/l1"
check_eq "-l stderr: status" "$(cat "$work/l1.status")" 401
check_eq "-l stderr: nothing on FCGI_STDERR" "$(cat "$work/l1.err")" ""
grep -qx 'portcullis: auth failure: client=127.0.0.9 reason=bad-password user="bob" method="GET" uri="/docs/guide.txt"' \
    "$work/fcgi2.err" && ok "-l stderr: the line is on stderr" ||
    fail "-l stderr: not on stderr: $(cat "$work/fcgi2.err")"
kill -TERM $pid2
wait $pid2
check_eq "-l stderr: exit status after SIGTERM" $? 0
"$FCGI" -l bogus </dev/null >/dev/null 2>&1
check_eq "-l bogus: usage" $? 2

# SIGTERM: the process exits cleanly.
kill -TERM $fpid
wait $fpid
check_eq "exit status after SIGTERM" $? 0
pids=		# both stopped: nothing left for cleanup()

finish fcgi
