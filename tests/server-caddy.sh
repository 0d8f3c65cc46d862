#!/bin/sh
# server-caddy.sh: the shipped Caddy configurations run by a real
# Caddy on 127.0.0.1 in front of one portcullis.fcgi on a Unix socket:
#   examples/Caddyfile    forward_auth over FastCGI + file_server: the
#                         shared table tests/servers.tab;
#   examples/Caddyfile    again, with a FastCGI application behind it
#                         (tests/fcgiecho) instead of file_server;
#   examples/traefik.md   its HTTP->FastCGI bridge Caddyfile, asked
#                         what Traefik's ForwardAuth would ask.
. "${top_srcdir:-.}/tests/lib.sh"

command -v caddy >/dev/null 2>&1 || skip_or_fail "caddy is not installed"
command -v curl >/dev/null 2>&1 || skip_or_fail "curl is not installed"
demo_setup "$work" || { fail "demo database"; finish caddy; }

sock=$work/portcullis.sock
"$FCGI" -d "$work/auth.db" -s "$sock" 2>"$work/fcgi.err" &
fpid=$!
started $fpid
wait_socket "$sock" $fpid ||
    { fail "portcullis.fcgi: $(cat "$work/fcgi.err")"; finish caddy; }

# hdr FILE NAME: the value of header NAME (any case) in FILE.hdr.
hdr()
{
	awk -v n="$2" 'tolower(substr($0, 1, length(n) + 1)) == tolower(n) ":" {
		v = substr($0, length(n) + 2); sub(/^[ \t]*/, "", v); print v }' \
	    "$1.hdr"
}

# --- forward_auth: examples/Caddyfile ------------------------------
# The test's copy also answers with the request headers copy_headers
# set, as response headers (nothing else makes them observable with
# file_server as the "application").
start_caddy "$top_srcdir/examples/Caddyfile" fwd 18300 \
    's|^\([[:space:]]*\)file_server$|\1header X-Test-User "{http.request.header.X-Portcullis-User}"\
\1header X-Test-Roles "{http.request.header.X-Portcullis-Roles}"\
&|' || finish caddy
fport=$port

override()
{
	case $1 in
	# Go canonicalises header names: Caddy sends Portcullis's
	# challenge as "Www-Authenticate" (the same header: names are
	# case-insensitive, RFC 9110 5.1).
	2|3)	echo '401;Www-Authenticate: Basic realm="Portcullis demo", charset="UTF-8"' ;;
	# Caddy 2.6's file_server follows every symbolic link and has no
	# switch against it: the fixture's public/alias.txt (-> the admin
	# index) is taken away for the table, so Caddy answers 404; what
	# the link does is asserted after the table (README, "Caddy").
	26)	echo 404 ;;
	esac
}
# Every other row arrives as Portcullis answered (Caddy passes a
# denial through verbatim, 405 + Allow included).  Rows 15-17: Caddy
# sends the raw request target in X-Forwarded-Uri; row 19: Caddy sets
# X-Forwarded-Uri itself, replacing the client's.
rm "$work/www/public/alias.txt"
run_servers send_curl
ln -s ../admin/index.html "$work/www/public/alias.txt"
send_curl GET /public/alias.txt - - - "$work/alias"
split_response "$work/alias"
check_eq "a symbolic link in the root: Caddy serves its target (the documented limit)" \
    "$(cat "$work/alias.status")" 200

check_eq "401: one WWW-Authenticate" "$(hdr "$work/srv.2" WWW-Authenticate | wc -l)" 1
check_eq "denial: Cache-Control" "$(hdr "$work/srv.9" Cache-Control)" no-store

# copy_headers: Portcullis's answer reached the request.
send_curl GET /docs/guide.txt alice wonderland - "$work/user1"
split_response "$work/user1"
check_eq "alice: X-Portcullis-User copied" "$(hdr "$work/user1" X-Test-User)" alice
check_eq "alice: X-Portcullis-Roles copied" "$(hdr "$work/user1" X-Test-Roles)" editor,viewer
check_eq "alice: no X-Portcullis-* to the client" \
    "$(grep -ci '^X-Portcullis-' "$work/user1.hdr")" 0
send_curl GET /docs/guide.txt bob builder "X-Portcullis-User: alice" "$work/user2"
split_response "$work/user2"
check_eq "bob: client's X-Portcullis-User replaced" "$(hdr "$work/user2" X-Test-User)" bob
send_curl GET /docs/guide.txt bob builder "X-Portcullis-Roles: admin" "$work/user3"
split_response "$work/user3"
check_eq "bob: client's X-Portcullis-Roles replaced" "$(hdr "$work/user3" X-Test-Roles)" viewer
# An anonymous allow: empty values replace a client-sent user (the
# application must not see "mallory"; Caddy 2.6 would show a literal
# placeholder if Portcullis left the header out).
send_curl GET /public/index.html - - "X-Portcullis-User: mallory" "$work/user4"
split_response "$work/user4"
check_eq "anonymous: status" "$(cat "$work/user4.status")" 200
check_eq "anonymous: client's X-Portcullis-User replaced" \
    "$(hdr "$work/user4" X-Test-User)" ""

# A client's other spellings of X-Forwarded-* reach Portcullis under
# the same parameter names as Caddy's own, and Go's map order decides
# which one arrives (an attack got the admin file 3 times in 8).  They
# must change nothing, however often they are tried: Portcullis
# decides on the PORTCULLIS_* parameters Caddy's configuration sets,
# and the route drops underscore headers.  15 tries a spelling.
spoof()
{
	_m=$1 _t=$2 _want=$3
	shift 3
	for _h in "$@"; do
		_bad=0 _i=0
		while [ $_i -lt 15 ]; do
			send_curl "$_m" "$_t" - - "$_h" "$work/spoof"
			split_response "$work/spoof"
			[ "$(cat "$work/spoof.status")" = "$_want" ] ||
			    _bad=$((_bad + 1))
			grep -q 'only viewers' "$work/spoof.body" &&
			    _bad=$((_bad + 1))
			_i=$((_i + 1))
		done
		check_eq "spoofed [$_h]: $_m $_t is $_want 15 of 15" "$_bad" 0
	done
}
spoof GET /docs/guide.txt 401 \
    "X_Forwarded_Uri: /public/index.html" \
    "X-Forwarded_Uri: /public/index.html" \
    "X_Forwarded-Uri: /public/index.html" \
    "x_forwarded_uri: /public/index.html" \
    "X-Forwarded-Uri: /public/index.html"
spoof DELETE /public/index.html 405 \
    "X_Forwarded_Method: GET" "X-Forwarded_Method: GET"
# Host-bound rules: secret.example's /public/ is for admins; another
# spelling of X-Forwarded-Host must not move the request off it.
for _h in "X_Forwarded_Host: other.example" "X-Forwarded_Host: other.example"; do
	_bad=0 _i=0
	while [ $_i -lt 15 ]; do
		curl -s -o /dev/null -w '%{http_code}' --max-time 10 \
		    -H "Host: secret.example" -H "$_h" \
		    "http://127.0.0.1:$port/public/index.html" >"$work/hs"
		[ "$(cat "$work/hs")" = 401 ] || _bad=$((_bad + 1))
		_i=$((_i + 1))
	done
	check_eq "Host: secret.example + [$_h]: 401 15 of 15" "$_bad" 0
done
send_curl GET /public/index.html - - "Host: secret.example:$port" "$work/hs1"
split_response "$work/hs1"
check_eq "Host: secret.example: the host-bound rule" \
    "$(cat "$work/hs1.status")" 401

# 500: a database of another schema version (fail closed).
fail_closed "wrong schema: status" 500 -s

# The proxy_auth setting cannot work behind forward_auth: Caddy's
# reverse_proxy removes the hop-by-hop Proxy-Authorization from the
# request it sends Portcullis (and Proxy-Authenticate from the answer),
# so even good proxy credentials get 407, without a challenge.  This
# asserts that limit (see examples/Caddyfile); nginx passes both.
setting proxy_auth on
send_curl GET /docs/guide.txt - - - "$work/deny407"
split_response "$work/deny407"
check_eq "proxy_auth: status" "$(cat "$work/deny407.status")" 407
check_eq "proxy_auth: Proxy-Authenticate dropped by Caddy" \
    "$(hdr "$work/deny407" Proxy-Authenticate)" ""
send_curl GET /docs/guide.txt - - "Proxy-Authorization: Basic $(b64 bob:builder)" \
    "$work/allow407"
split_response "$work/allow407"
check_eq "proxy_auth: Proxy-Authorization dropped by Caddy" \
    "$(cat "$work/allow407.status")" 407
setting proxy_auth off

# --- an application behind Caddy's FastCGI transport ---------------
# What it sees of X-Portcullis-User/-Roles: only the values
# forward_auth copied, whatever spellings the client sent (an attack
# made one see alice on a request authenticated as bob, 5 times in 6).
esock=$work/echo.sock
"$top_builddir/tests/fcgiecho" "$esock" HTTP_X_PORTCULLIS_ 2>"$work/echo.err" &
epid=$!
started $epid
wait_socket "$esock" $epid || fail "fcgiecho did not start"
start_caddy "$top_srcdir/examples/Caddyfile" app 18390 \
    "s|^\\([[:space:]]*\\)file_server\$|\\1reverse_proxy unix/$esock {\\
\\1	transport fastcgi\\
\\1}|" || finish caddy
for _h in "X_Portcullis_User: alice" "X-Portcullis_User: alice" \
    "X_Portcullis-User: alice" "X-Portcullis-User: alice"; do
	_bad=0 _i=0
	while [ $_i -lt 15 ]; do
		send_curl GET /docs/guide.txt bob builder "$_h" "$work/appr"
		split_response "$work/appr"
		[ "$(cat "$work/appr.status")" = 200 ] &&
		    [ "$(sort "$work/appr.body" | tr '\n' ' ')" = \
		    "HTTP_X_PORTCULLIS_ROLES=viewer HTTP_X_PORTCULLIS_USER=bob " ] ||
		    _bad=$((_bad + 1))
		_i=$((_i + 1))
	done
	check_eq "application sees bob only, client sent [$_h], 15 of 15" \
	    "$_bad" 0
done
send_curl GET /public/index.html - - "X_Portcullis_User: mallory" "$work/app2"
split_response "$work/app2"
check_eq "application, anonymous: only the empty values" \
    "$(sort "$work/app2.body" | tr '\n' ' ')" \
    "HTTP_X_PORTCULLIS_ROLES= HTTP_X_PORTCULLIS_USER= "
port=$fport

# --- the Traefik bridge: examples/traefik.md -----------------------
awk '/^```caddyfile$/ { on = 1; next } /^```$/ { on = 0 } on' \
    "$top_srcdir/examples/traefik.md" > "$work/bridge.Caddyfile"
start_caddy "$work/bridge.Caddyfile" bridge 18360 || finish caddy

# ask METHOD URI USER PASS OUT [HEADER]: what Traefik sends for a
# client's METHOD URI ("-": Traefik would always send it; left out to
# test the 400).
ask()
{
	_m=$1 _t=$2 _u=$3 _p=$4 _o=$5
	set -- -H "X-Forwarded-Host: www.example.org" \
	    -H "X-Forwarded-Proto: http" -H "X-Forwarded-For: 192.0.2.7"
	[ "$_m" != - ] && set -- "$@" -H "X-Forwarded-Method: $_m"
	[ "$_t" != - ] && set -- "$@" -H "X-Forwarded-Uri: $_t"
	[ "$_u" != - ] && set -- "$@" -u "$_u:$_p"
	curl -s -i --max-time 10 "$@" \
	    "http://127.0.0.1:$port/_portcullis" >"$_o" 2>/dev/null
	split_response "$_o"
}

ask GET /docs/guide.txt bob builder "$work/b1"
check_eq "bridge: bob GET docs" "$(cat "$work/b1.status")" 200
check_eq "bridge: X-Portcullis-User" "$(hdr "$work/b1" X-Portcullis-User)" bob
check_eq "bridge: X-Portcullis-Roles" "$(hdr "$work/b1" X-Portcullis-Roles)" viewer
check_eq "bridge: empty body" "$(wc -c < "$work/b1.body")" 0
ask GET /public/index.html - - "$work/b2"
check_eq "bridge: anonymous GET public" "$(cat "$work/b2.status")" 200
check_eq "bridge: anonymous has an (empty) X-Portcullis-User" \
    "$(grep -ci '^X-Portcullis-User:' "$work/b2.hdr")" 1
ask GET /docs/guide.txt - - "$work/b3"
check_eq "bridge: anonymous GET docs" "$(cat "$work/b3.status")" 401
check_eq "bridge: challenge" "$(hdr "$work/b3" WWW-Authenticate)" \
    'Basic realm="Portcullis demo", charset="UTF-8"'
ask DELETE /docs/guide.txt bob builder "$work/b4"
check_eq "bridge: bob DELETE docs" "$(cat "$work/b4.status")" 403
ask DELETE /public/index.html - - "$work/b5"
check_eq "bridge: DELETE public" "$(cat "$work/b5.status")" 405
check_eq "bridge: Allow" "$(hdr "$work/b5" Allow)" "GET, HEAD"
ask GET /docs/a%2Fb bob builder "$work/b6"
check_eq "bridge: encoded slash" "$(cat "$work/b6.status")" 400
ask GET - bob builder "$work/b7"
check_eq "bridge: no X-Forwarded-Uri" "$(cat "$work/b7.status")" 400
ask - /docs/guide.txt bob builder "$work/b8"
check_eq "bridge: no X-Forwarded-Method" "$(cat "$work/b8.status")" 400
for f in b1 b2 b3 b4 b5 b6 b7 b8; do
	grep -q 'only viewers' "$work/$f.body" &&
	    fail "bridge: $f carries the document"
done

bport=$port

stop_server $fpid

# Portcullis down: nobody gets in (502 from Caddy).
port=$fport
fail_closed "forward_auth, Portcullis down" 502
port=$bport
ask GET /public/index.html - - "$work/down2"
check_eq "bridge, Portcullis down" "$(cat "$work/down2.status")" 502
sanitizer_free "from portcullis.fcgi" "$work/fcgi.err" "$work"/*/caddy.err

finish caddy
