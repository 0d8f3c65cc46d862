#!/bin/sh
# server-net.sh: named networks (README "Networks", issue 12 part 3)
# through real servers on 127.0.0.1, ports 19040-19069:
#   nginx  examples/nginx-auth_request.conf            19040-19044
#   nginx  ... with realip trusting 127.0.0.1           19045-19049
#   Caddy  examples/Caddyfile (admin API off)           19040-19069,
#                                                       after nginx
# A client is 127.0.0.1 or 127.0.0.2 (curl --interface 127.0.0.2 to
# the server on 127.0.0.1).  Networks: loop 127.0.0.1/32, office
# 192.0.2.0/24.  Rules: /intra/** GET to net:loop and to valid-user;
# /office/** GET to net:office and to valid-user; /ops/** GET to
# editor restricted to loop.  Asserted: the exact status lines; that
# X-Forwarded-For, X-Real-IP and Portcullis-Client-Addr sent by a
# client steer nothing, while nginx's realip (trusting 127.0.0.1 only)
# does; that Caddy's PORTCULLIS_CLIENT_ADDR parameter is the client;
# and the log line of a refusal names the network.
. "${top_srcdir:-.}/tests/lib.sh"

command -v curl >/dev/null 2>&1 || skip_or_fail "curl is not installed"
demo_setup "$work" || { fail "demo database"; finish server-net; }
sock=$work/portcullis.sock

adm()
{
	"$ADMIN" -d "$work/auth.db" "$@" >>"$work/adm.log" 2>&1 ||
	    fail "portcullis $*: $(tail -1 "$work/adm.log")"
}
adm net add loop 127.0.0.1
adm net add office 192.0.2.0/24
adm rule add '/intra/**' GET net:loop
adm rule add '/intra/**' GET valid-user
adm rule add '/office/**' GET net:office
adm rule add '/office/**' GET valid-user
adm rule add --net loop '/ops/**' GET editor
for d in intra office ops; do
	mkdir -p "$work/www/$d"
	printf '%s\n' "$d" >"$work/www/$d/page.txt"
done
# The demo's alice holds editor; bob does not.
ALICE=alice:wonderland
BOB=bob:builder

# req FROM TARGET [curl options...]: one GET from the address FROM;
# the status line, without "\r", on stdout.
req()
{
	_from=$1 _t=$2
	shift 2
	curl -s -i --max-time 10 --interface "$_from" "$@" \
	    "http://127.0.0.1:$port$_t" 2>/dev/null | head -n 1 | tr -d '\r'
}
# seen DESC WANT FROM TARGET [curl options...]
seen()
{
	_d=$1 _w=$2
	shift 2
	check_eq "$_d" "$(req "$@")" "$_w"
}

OK200='HTTP/1.1 200 OK'
NO401='HTTP/1.1 401 Unauthorized'
NO403='HTTP/1.1 403 Forbidden'

fpid=
fcgi_start()
{
	rm -f "$sock"
	"$FCGI" -n 1 -d "$work/auth.db" -s "$sock" "$@" \
	    2>>"$work/fcgi.err" &
	fpid=$!
	started $fpid
	wait_socket "$sock" $fpid && return 0
	fail "portcullis.fcgi: $(tail -3 "$work/fcgi.err")"
	return 1
}

# The requests every server answers alike ($1 names the server).
common()
{
	_n=$1
	seen "$_n: net:loop lets 127.0.0.1 in without credentials" \
	    "$OK200" 127.0.0.1 /intra/page.txt
	seen "$_n: 127.0.0.2 is asked for credentials" \
	    "$NO401" 127.0.0.2 /intra/page.txt
	seen "$_n: 127.0.0.2 with credentials: valid-user" \
	    "$OK200" 127.0.0.2 /intra/page.txt -u "$BOB"
	seen "$_n: 127.0.0.2 with a wrong password" \
	    "$NO401" 127.0.0.2 /intra/page.txt -u alice:wrong
	seen "$_n: --net loop, alice from 127.0.0.1" \
	    "$OK200" 127.0.0.1 /ops/page.txt -u "$ALICE"
	seen "$_n: --net loop, alice from 127.0.0.2 (wrong network)" \
	    "$NO403" 127.0.0.2 /ops/page.txt -u "$ALICE"
	seen "$_n: --net loop, bob from 127.0.0.1 (wrong user)" \
	    "$NO403" 127.0.0.1 /ops/page.txt -u "$BOB"
	seen "$_n: --net loop, no credentials from 127.0.0.1" \
	    "$NO401" 127.0.0.1 /ops/page.txt
	# A client's headers never steer.
	for _h in "X-Forwarded-For: 127.0.0.1" "X-Real-IP: 127.0.0.1" \
	    "Portcullis-Client-Addr: 127.0.0.1" \
	    "Portcullis_Client_Addr: 127.0.0.1" "Forwarded: for=127.0.0.1"; do
		seen "$_n: [$_h] from 127.0.0.2 steers nothing" \
		    "$NO401" 127.0.0.2 /intra/page.txt -H "$_h"
	done
	seen "$_n: X-Forwarded-For from 127.0.0.1 steers nothing" \
	    "$NO401" 127.0.0.1 /office/page.txt \
	    -H "X-Forwarded-For: 192.0.2.9"
}

# --- nginx: auth_request, as shipped -----------------------------------
if command -v nginx >/dev/null 2>&1; then
	fcgi_start &&
	start_nginx nginx-auth_request.conf nginx 19040 5 && {
		common nginx
		_log=$nginx_d/logs/portcullis-error.log
		check_eq "nginx: the 401 names the network" \
		    "$(grep -c 'portcullis: denied: client=127\.0\.0\.2 status=401 reason=no-credentials user="" method="GET" uri="/intra/page.txt" network=loop"' "$_log")" \
		    6
		check_eq "nginx: the 403 names the network" \
		    "$(grep -c 'portcullis: denied: client=127\.0\.0\.2 status=403 reason=no-grant user="alice" method="GET" uri="/ops/page.txt" network=loop"' "$_log")" \
		    1
		stop_server "$srv_pid"
	}

	# realip trusting 127.0.0.1 (README "Networks"): X-Forwarded-For
	# from 127.0.0.1 is the client, from anyone else it is ignored.
	start_nginx nginx-auth_request.conf realip 19045 5 \
	    's|^\([[:space:]]*\)server_name _;|&\
\1set_real_ip_from 127.0.0.1;\
\1real_ip_header X-Forwarded-For;\
\1real_ip_recursive on;|' && {
		seen "realip: X-Forwarded-For from the trusted proxy" \
		    "$OK200" 127.0.0.1 /office/page.txt \
		    -H "X-Forwarded-For: 192.0.2.9"
		seen "realip: a chain, the last untrusted hop" \
		    "$OK200" 127.0.0.1 /office/page.txt \
		    -H "X-Forwarded-For: 198.51.100.1, 192.0.2.9"
		seen "realip: the proxy's own address without the header" \
		    "$NO401" 127.0.0.1 /office/page.txt
		seen "realip: X-Forwarded-For from an untrusted client" \
		    "$NO401" 127.0.0.2 /office/page.txt \
		    -H "X-Forwarded-For: 192.0.2.9"
		seen "realip: the proxy forwarding an outside client" \
		    "$NO401" 127.0.0.1 /intra/page.txt \
		    -H "X-Forwarded-For: 198.51.100.1"
		seen "realip: a header that is no address is ignored" \
		    "$OK200" 127.0.0.1 /intra/page.txt \
		    -H "X-Forwarded-For: 192.0.2.9x"
		seen "realip: Portcullis-Client-Addr still steers nothing" \
		    "$NO401" 127.0.0.2 /intra/page.txt \
		    -H "Portcullis-Client-Addr: 127.0.0.1"
		grep -q 'portcullis: denied: client=198\.51\.100\.1 status=401 reason=no-credentials user="" method="GET" uri="/intra/page.txt" network=loop' \
		    "$nginx_d/logs/portcullis-error.log" &&
		    ok "realip: the log names the client realip gave" ||
		    fail "realip: $(grep portcullis: "$nginx_d/logs/portcullis-error.log" | tail -2)"
		stop_server "$srv_pid"
	}
	stop_server "$fpid"
	fpid=
else
	ok "# SKIP nginx: not installed"
fi

# --- Caddy: forward_auth, PORTCULLIS_CLIENT_ADDR --------------------------
if command -v caddy >/dev/null 2>&1; then
	# -l stderr: Caddy 2.6.2 drops FastCGI stderr.
	fcgi_start -l stderr &&
	start_caddy "$top_srcdir/examples/Caddyfile" caddy 19040 \
	    's|^\([[:space:]]*admin\) 127\.0\.0\.1:2019|\1 off|' && {
		grep -q 'env PORTCULLIS_CLIENT_ADDR ' "$caddy_d/Caddyfile" &&
		    ok "caddy: the example sets PORTCULLIS_CLIENT_ADDR" ||
		    fail "caddy: no PORTCULLIS_CLIENT_ADDR in the example"
		common caddy
		check_eq "caddy: the 401 names the network" \
		    "$(grep -c 'portcullis: denied: client=127\.0\.0\.2 status=401 reason=no-credentials user="" method="GET" uri="/intra/page.txt" network=loop$' "$work/fcgi.err")" \
		    6
		stop_server "$srv_pid"
	}
	# The parameter, not REMOTE_ADDR, is the client: a copy that sets
	# it to an office address lets 127.0.0.2 into /office.
	start_caddy "$top_srcdir/examples/Caddyfile" caddy2 19040 \
	    's|^\([[:space:]]*admin\) 127\.0\.0\.1:2019|\1 off|;s|env PORTCULLIS_CLIENT_ADDR .*|env PORTCULLIS_CLIENT_ADDR 192.0.2.77|' && {
		seen "caddy: PORTCULLIS_CLIENT_ADDR is the client" \
		    "$OK200" 127.0.0.2 /office/page.txt
		seen "caddy: ... and not REMOTE_ADDR" \
		    "$NO401" 127.0.0.1 /intra/page.txt
		stop_server "$srv_pid"
	}
	# A placeholder this Caddy does not know ({client_ip} before
	# 2.7) is no address: in no network, fail closed.
	start_caddy "$top_srcdir/examples/Caddyfile" caddy3 19040 \
	    's|^\([[:space:]]*admin\) 127\.0\.0\.1:2019|\1 off|;s|env PORTCULLIS_CLIENT_ADDR .*|env PORTCULLIS_CLIENT_ADDR {client_ip}|' && {
		_v=$(caddy version | awk '{ print $1 }')
		case $_v in
		v2.[0-6].*)
			seen "caddy $_v: {client_ip} unknown: in no network" \
			    "$NO401" 127.0.0.1 /intra/page.txt ;;
		*)
			seen "caddy $_v: {client_ip} is the client" \
			    "$OK200" 127.0.0.1 /intra/page.txt ;;
		esac
		stop_server "$srv_pid"
	}
	stop_server "$fpid"
	fpid=
else
	ok "# SKIP caddy: not installed"
fi

sanitizer_free "in portcullis.fcgi" "$work/fcgi.err"
finish server-net
