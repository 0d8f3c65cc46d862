#!/bin/sh
# server-lighttpd-authorizer.sh: examples/lighttpd-authorizer.conf run
# by a real lighttpd on 127.0.0.1: Portcullis in the FastCGI AUTHORIZER
# role, lighttpd serving the files.  tests/servers.tab is sent by curl;
# lighttpd forwards every denial verbatim, so no row needs an override.
. "${top_srcdir:-.}/tests/lib.sh"

command -v lighttpd >/dev/null 2>&1 || PATH=$PATH:/usr/sbin
command -v lighttpd >/dev/null 2>&1 ||
    skip_or_fail "lighttpd is not installed"
command -v curl >/dev/null 2>&1 || skip_or_fail "curl is not installed"
demo_setup "$work" || { fail "demo database"; finish lighttpd-authorizer; }

# A port of our own in 18050-18099, beside server-lighttpd.sh's.
start_lighttpd lighttpd-authorizer.conf 18050 50 ||
    finish lighttpd-authorizer
ok "lighttpd (authorizer) on 127.0.0.1:$port"

run_servers send_curl

# The Variable-* headers of an allow are lighttpd's, never the client's.
if grep -l '^Variable-' "$work"/srv.*.hdr >/dev/null 2>&1; then
	fail "a Variable-* header reached the client:" \
	    "$(grep -h '^Variable-' "$work"/srv.*.hdr | sort -u | tr '\n' '|')"
else
	ok "no Variable-* header in any client response"
fi
# A request body is never read: a POST with a body to a path allowed
# for everybody (lighttpd sends no FCGI_STDIN to an authorizer before
# the allow) is answered, not left hanging.  GET is the only method
# there, so Portcullis answers 405.
send_curl POST /public/index.html - - - "$work/post" \
    --data-binary 'a=1&b=2' --max-time 5
split_response "$work/post"
check_eq "POST with a body: answered" "$(cat "$work/post.status")" 405
grep -qxF 'Allow: GET, HEAD' "$work/post.hdr" &&
    ok "POST with a body: Allow: GET, HEAD" ||
    fail "POST with a body: $(tr '\n' '|' < "$work/post.hdr")"
# The same with a method Portcullis allows (alice may PUT under /docs):
# Portcullis says 200 without reading the body, lighttpd's static
# handler then refuses PUT itself: 501, as the example says (methods
# other than GET and HEAD need a backend), and without an Allow.
send_curl PUT /docs/guide.txt alice wonderland - "$work/put" \
    --data-binary 'new text' --max-time 5
split_response "$work/put"
check_eq "PUT with a body allowed by Portcullis: lighttpd's own answer" \
    "$(head -n 1 "$work/put" | tr -d '\r')" "HTTP/1.1 501 Not Implemented"
check_eq "PUT allowed by Portcullis: no Allow" \
    "$(grep -c '^Allow:' "$work/put.hdr")" 0
# ... and the authorizer still answers afterwards.
send_curl GET /docs/guide.txt bob builder - "$work/after"
split_response "$work/after"
check_eq "GET after the bodies" "$(cat "$work/after.status")" 200

# proxy_auth on: the 407 challenge reaches the client verbatim, and
# Proxy-Authorization is read (lighttpd passes every request header).
setting proxy_auth on
send_curl GET /docs/guide.txt - - - "$work/p407"
split_response "$work/p407"
check_eq "proxy_auth: no credentials" "$(cat "$work/p407.status")" 407
grep -qxF 'Proxy-Authenticate: Basic realm="Portcullis demo", charset="UTF-8"' \
    "$work/p407.hdr" && ok "proxy_auth: Proxy-Authenticate" ||
    fail "proxy_auth: $(tr '\n' '|' < "$work/p407.hdr")"
send_curl GET /docs/guide.txt - - \
    "Proxy-Authorization: Basic $(b64 bob:builder)" "$work/p200"
split_response "$work/p200"
check_eq "proxy_auth: Proxy-Authorization bob" "$(cat "$work/p200.status")" 200
send_curl GET /docs/guide.txt bob builder - "$work/pwww"
split_response "$work/pwww"
check_eq "proxy_auth: Authorization is not Proxy-Authorization" \
    "$(cat "$work/pwww.status")" 407

stop_server $lpid
# ... but REMOTE_USER reached lighttpd's request environment: the
# access log's %u is the user Portcullis authenticated (row 8).  The
# log is written out when lighttpd stops.
grep -q '^127\.0\.0\.1 alice "GET /docs/guide.txt HTTP/1.1" 200$' \
    "$work/access.log" && ok "REMOTE_USER=alice in the access log" ||
    fail "no alice in the access log: $(tail -3 "$work/access.log")"
# An anonymous allow names nobody.
grep -q '^127\.0\.0\.1 - "GET /public/index.html HTTP/1.1" 200$' \
    "$work/access.log" && ok "anonymous allow: no user in the access log" ||
    fail "anonymous allow: $(grep public/index "$work/access.log")"

sanitizer_free "in the error log" "$work/error.log"

finish lighttpd-authorizer
