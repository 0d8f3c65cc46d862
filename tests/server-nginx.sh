#!/bin/sh
# server-nginx.sh: the shipped nginx examples run by a real nginx on
# 127.0.0.1 in front of one portcullis.fcgi on a Unix socket:
#   examples/nginx-auth_request.conf  nginx serves the files and asks
#       Portcullis first: the shared table tests/servers.tab;
#   examples/nginx-responder.conf     every request goes to Portcullis:
#       tests/decisions.tab, as lighttpd and the CGI/FastCGI runs.
. "${top_srcdir:-.}/tests/lib.sh"

command -v nginx >/dev/null 2>&1 || PATH=$PATH:/usr/sbin
command -v nginx >/dev/null 2>&1 || skip_or_fail "nginx is not installed"
command -v curl >/dev/null 2>&1 || skip_or_fail "curl is not installed"
demo_setup "$work" || { fail "demo database"; finish nginx; }

# One Portcullis for both configurations (-r for the responder one).
sock=$work/portcullis.sock
"$FCGI" -d "$work/auth.db" -r "$work/www" -s "$sock" 2>"$work/fcgi.err" &
fpid=$!
started $fpid
wait_socket "$sock" $fpid ||
    { fail "portcullis.fcgi: $(cat "$work/fcgi.err")"; finish nginx; }

# hdr_count FILE NAME: how many NAME: lines in FILE.hdr (any case).
hdr_count()
{
	grep -ci "^$2:" "$1.hdr"
}

# --- auth_request --------------------------------------------------
# The test's copy also shows the user and roles nginx received from
# Portcullis (auth_request_set) as response headers: nothing else
# makes $portcullis_user observable from outside (a `return` in the
# same location would run before auth_request).  The shipped file
# keeps them away from the client.
start_nginx nginx-auth_request.conf authreq 18200 25 \
    's|^\([[:space:]]*\)error_page 403 = @portcullis;|&\
\1add_header X-Test-User $portcullis_user always;\
\1add_header X-Test-Roles $portcullis_roles always;|' || finish nginx
aport=$port

# Every row of tests/servers.tab arrives as the table says: the
# @portcullis location restores 405 + Allow (row 12) and 400 (row 17),
# which nginx alone would turn into 500.  Rows 15-17: nginx routes on
# its normalised path but passes the raw $request_uri, which Portcullis
# decodes and normalises itself.
run_servers send_curl

# nginx copies Portcullis's challenge to the client: exactly once.
check_eq "401: one WWW-Authenticate" "$(hdr_count "$work/srv.2" WWW-Authenticate)" 1
# The subrequest's own headers never reach the client.
check_eq "401: no X-Portcullis-* to the client" \
    "$(cat "$work"/srv.*.hdr | grep -ci '^X-Portcullis-')" 0

# X-Portcullis-User / -Roles reached nginx's variables.
send_curl GET /docs/guide.txt alice wonderland - "$work/user1"
split_response "$work/user1"
check_eq "alice: \$portcullis_user" \
    "$(sed -n 's/^X-Test-User: //p' "$work/user1.hdr")" alice
check_eq "alice: \$portcullis_roles" \
    "$(sed -n 's/^X-Test-Roles: //p' "$work/user1.hdr")" editor,viewer
send_curl GET /docs/guide.txt bob builder - "$work/user2"
split_response "$work/user2"
check_eq "bob: \$portcullis_user" \
    "$(sed -n 's/^X-Test-User: //p' "$work/user2.hdr")" bob
# An anonymous allow: empty values (and so no header at all).
send_curl GET /public/index.html - - "X-Portcullis-User: mallory" "$work/user3"
split_response "$work/user3"
check_eq "anonymous: no user" "$(hdr_count "$work/user3" X-Test-User)" 0

# Methods Portcullis allows but nginx's static module does not perform
# (alice, an editor, may PUT and DELETE under /docs): nginx answers its
# own 405, without Allow; the example says such methods need a backend.
for m in PUT DELETE; do
	send_curl $m /docs/guide.txt alice wonderland - "$work/static.$m"
	split_response "$work/static.$m"
	check_eq "$m allowed by Portcullis, static file: nginx's status" \
	    "$(head -1 "$work/static.$m" | tr -d '\r')" "HTTP/1.1 405 Not Allowed"
	check_eq "$m allowed by Portcullis: it was alice's allow" \
	    "$(sed -n 's/^X-Test-User: //p' "$work/static.$m.hdr")" alice
	check_eq "$m allowed by Portcullis, static file: no Allow" \
	    "$(hdr_count "$work/static.$m" Allow)" 0
done

# The access log's user is the one Portcullis verified
# ($portcullis_user in the example's log_format), never the name a
# client sent with a wrong password or for an unknown user.
send_curl GET '/docs/guide.txt?log=badpw' bob wrong - "$work/log1"
send_curl GET '/docs/guide.txt?log=unknown' mallory x - "$work/log2"
send_curl GET '/docs/guide.txt?log=good' bob builder - "$work/log3"
send_curl GET '/public/index.html?log=anon' - - - "$work/log4"
# access_line TAG: the access log's line for ?log=TAG, without the
# time stamp, the size and what curl adds.
access_line()
{
	sed -n "s/^\(.*\) \[[^]]*\] \(\"[^\"]*?log=$1 [^\"]*\" [0-9]*\) .*/\1 \2/p" \
	    "$work/authreq/logs/portcullis-access.log"
}
check_eq "access log: wrong password logs no user" "$(access_line badpw)" \
    '127.0.0.1 - - "GET /docs/guide.txt?log=badpw HTTP/1.1" 401'
check_eq "access log: unknown user logs no user" "$(access_line unknown)" \
    '127.0.0.1 - - "GET /docs/guide.txt?log=unknown HTTP/1.1" 401'
check_eq "access log: a good login logs the user" "$(access_line good)" \
    '127.0.0.1 - bob "GET /docs/guide.txt?log=good HTTP/1.1" 200'
check_eq "access log: an anonymous allow logs no user" "$(access_line anon)" \
    '127.0.0.1 - - "GET /public/index.html?log=anon HTTP/1.1" 200'

# A denial that nginx alone would turn into 500 (the auth subrequest
# answered 403 + X-Portcullis-Status: 405): method, Allow, no-store.
send_curl PUT /public/index.html - - - "$work/deny405"
split_response "$work/deny405"
check_eq "PUT public: status" "$(cat "$work/deny405.status")" 405
check_eq "PUT public: Allow" "$(sed -n 's/^Allow: //p' "$work/deny405.hdr")" "GET, HEAD"
check_eq "PUT public: Cache-Control" \
    "$(sed -n 's/^Cache-Control: //p' "$work/deny405.hdr")" no-store
# A real 403 stays 403, with no Allow.
check_eq "DELETE docs bob: no Allow" "$(hdr_count "$work/srv.13" Allow)" 0
# The auth location is internal.
send_curl GET /_portcullis - - - "$work/internal"
split_response "$work/internal"
check_eq "/_portcullis from outside" "$(cat "$work/internal.status")" 404

# 500: a database of another schema version (fail closed).
fail_closed "wrong schema: status" 500 -s

# 407 + Proxy-Authenticate when the database guards a forward proxy.
setting proxy_auth on
send_curl GET /docs/guide.txt - - - "$work/deny407"
split_response "$work/deny407"
check_eq "proxy_auth: status" "$(cat "$work/deny407.status")" 407
check_eq "proxy_auth: Proxy-Authenticate" \
    "$(sed -n 's/^Proxy-Authenticate: //p' "$work/deny407.hdr")" \
    'Basic realm="Portcullis demo", charset="UTF-8"'
send_curl GET /docs/guide.txt - - "Proxy-Authorization: Basic $(b64 bob:builder)" \
    "$work/allow407"
split_response "$work/allow407"
check_eq "proxy_auth: bob allowed" "$(cat "$work/allow407.status")" 200
setting proxy_auth off

# --- host-bound rules: the virtual host nginx chose ----------------
# The protected virtual host secret.example is nginx's default server
# here: nginx serves it for any Host.  Portcullis decides on the name
# nginx chose (SERVER_NAME, from fastcgi_params), never on the
# client's Host: "Host: evil" once got secret.example's /public/
# (admins only) anonymously through the any-host rule.
start_nginx nginx-auth_request.conf vhost 18225 25 \
    's|^\([[:space:]]*\)server_name _;|\1server_name secret.example;|' ||
    finish nginx
for h in "Host: evil" "Host: secret.example" "Host: Secret.Example." \
    "Host: 127.0.0.1"; do
	send_curl GET /public/index.html - - "$h" "$work/vh"
	split_response "$work/vh"
	check_eq "default server secret.example, [$h]: host-bound rule" \
	    "$(cat "$work/vh.status")" 401
done
send_curl GET /public/index.html bob builder "Host: evil" "$work/vh2"
split_response "$work/vh2"
check_eq "default server secret.example, bob: not an admin" \
    "$(cat "$work/vh2.status")" 403
send_curl GET /public/index.html - - "Host: secret.example.." "$work/vh3"
split_response "$work/vh3"
check_eq "Host with an empty label: 400" "$(cat "$work/vh3.status")" 400

# --- responder -----------------------------------------------------
start_nginx nginx-responder.conf responder 18250 50 || finish nginx
run_table "$top_srcdir/tests/decisions.tab" send_table
rport=$port

# Portcullis's log lines travel as FastCGI stderr records into nginx's
# error_log ("FastCGI sent in stderr"); a sanitizer writes to the
# process's own stderr.
stop_server $fpid

# Portcullis down: nobody gets in (auth_request: 500; responder: 502).
port=$aport
fail_closed "auth_request, Portcullis down" 500
port=$rport
fail_closed "responder, Portcullis down" 502

sanitizer_free "from portcullis.fcgi" "$work/fcgi.err" \
    "$work"/*/logs/portcullis-error.log
for d in authreq responder; do
	bad_password_logged "$d: auth failure in nginx's error log" \
	    "$work/$d/logs/portcullis-error.log"
done

finish nginx
