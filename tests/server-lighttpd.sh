#!/bin/sh
# server-lighttpd.sh: examples/lighttpd-responder.conf run by a real
# lighttpd on 127.0.0.1, with the shared request table sent by curl.
. "${top_srcdir:-.}/tests/lib.sh"

command -v lighttpd >/dev/null 2>&1 || PATH=$PATH:/usr/sbin
command -v lighttpd >/dev/null 2>&1 ||
    skip_or_fail "lighttpd is not installed"
command -v curl >/dev/null 2>&1 || skip_or_fail "curl is not installed"
demo_setup "$work" || { fail "demo database"; finish lighttpd; }

# A port of our own in 18000-18049.
start_lighttpd lighttpd-responder.conf 18000 50 || finish lighttpd
ok "lighttpd on 127.0.0.1:$port"

run_table "$top_srcdir/tests/decisions.tab" send_table

# A change in the sqlite3 shell is honoured by the running processes:
# a resource left without rules supports no method (405, empty Allow),
# and without the resource no rule matches (403).
"$SQLITE3" -batch "$work/auth.db" \
    "DELETE FROM rules WHERE pattern = '/public/**'"
send_table GET /public/index.html - - "$work/live1"
split_response "$work/live1"
check_eq "rules deleted in the shell" "$(cat "$work/live1.status")" 405
# lighttpd drops a header with an empty value: the client gets no
# Allow at all (CGI and FastCGI runs show "Allow: ").
check_eq "empty Allow dropped by lighttpd" \
    "$(grep -c '^Allow:' "$work/live1.hdr")" 0
"$SQLITE3" -batch "$work/auth.db" \
    "DELETE FROM resources WHERE pattern = '/public/**'"
send_table GET /public/index.html - - "$work/live2"
split_response "$work/live2"
check_eq "resource deleted in the shell" "$(cat "$work/live2.status")" 403

stop_server $lpid
sanitizer_free "in the error log" "$work/error.log"
bad_password_logged "auth failure in lighttpd's error log" "$work/error.log"

finish lighttpd
