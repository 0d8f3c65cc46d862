#!/bin/sh
# server-apache.sh: the shipped Apache configs run by a real Apache
# httpd on 127.0.0.1 (ports 18100-18179), with tests/servers.tab sent
# by curl through each way of wiring Portcullis in:
#   examples/apache-authnz-fcgi.conf   check_user_id (default),
#                                      -DPortcullisBasic, -DPortcullisRequire
#   examples/apache-fcgid.conf         FcgidAccessChecker (default),
#                                      -DPortcullisFcgidBasic
#   examples/apache-proxy.conf         forward proxy, proxy_auth on (407)
#   examples/apache-cgi.conf           mod_cgid, responder (argv ignored)
# Apache changes some answers on the way to the client; override()
# names each such row per variant, with the limit that causes it.
. "${top_srcdir:-.}/tests/lib.sh"

command -v apache2 >/dev/null 2>&1 || PATH=$PATH:/usr/sbin
command -v apache2 >/dev/null 2>&1 || skip_or_fail "apache2 is not installed"
command -v curl >/dev/null 2>&1 || skip_or_fail "curl is not installed"
mods=/usr/lib/apache2/modules
for m in authnz_fcgi fcgid headers proxy proxy_http; do
	[ -f "$mods/mod_$m.so" ] || skip_or_fail "mod_$m is not installed"
done
demo_setup "$work" || { fail "demo database"; finish apache; }

# Started as root, Apache serves (and mod_fcgid runs Portcullis) as
# www-data, which must reach the document root and own the database
# and its directory (SQLite's -wal and -shm files).  Everything that
# touches the database runs as that user: as_srv.  The lockout state
# database is the server's to write, so it is www-data's too.
if [ "$(id -u)" = 0 ]; then
	srvuser=www-data
	id "$srvuser" >/dev/null 2>&1 || skip_or_fail "no user $srvuser"
	chmod 0755 "$work"
	chown "$srvuser:$srvuser" "$work" "$work/auth.db" \
	    "$work/auth.db-state" "$work/auth.db-state-wal" \
	    "$work/auth.db-state-shm"
	as_srv() { setpriv --reuid="$srvuser" --regid="$srvuser" --clear-groups -- "$@"; }
	db_as=as_srv
else
	srvuser=
	as_srv() { "$@"; }
fi
mkdir -p "$work/apache" "$work/run" "$work/log" "$work/empty"
apid= fpid=

# mkconf EXAMPLE OUT: the example with our paths and ports.
mkconf()
{
	if [ -n "$srvuser" ]; then
		_ug="s|^User .*|User $srvuser|;s|^Group .*|Group $srvuser|"
	else
		_ug='/^User /d;/^Group /d'
	fi
	sed -e "s|^ServerRoot .*|ServerRoot \"$work/apache\"|" \
	    -e "$_ug" \
	    -e "s|127\.0\.0\.1:8080|127.0.0.1:$port|" \
	    -e "s|127\.0\.0\.1:3128|127.0.0.1:$pport|" \
	    -e "s|127\.0\.0\.1:8081|127.0.0.1:$oport|" \
	    -e "s|fcgi://127\.0\.0\.1:9000/|fcgi://127.0.0.1:$fport/|" \
	    -e "s|/run/apache2|$work/run|g" \
	    -e "s|/var/log/apache2|$work/log|g" \
	    -e "s|/var/empty|$work/empty|g" \
	    -e "s|/srv/www|$work/www|g" \
	    -e "s|/etc/portcullis/htpasswd|$work/htpasswd|" \
	    -e "s|/var/lib/portcullis/auth.db|$work/auth.db|" \
	    -e "s|/usr/lib/cgi-bin/portcullis.fcgi|$FCGI|" \
	    "$top_srcdir/examples/$1" > "$2"
}

# start_portcullis: portcullis.fcgi on 127.0.0.1:$fport for
# mod_authnz_fcgi (TCP only; Apache does not start it).
start_portcullis()
{
	# Both exec the program: $! is its PID.
	if [ -z "$srvuser" ]; then
		"$FCGI" -d "$work/auth.db" -s "127.0.0.1:$fport" \
		    >>"$work/portcullis.err" 2>&1 &
	elif command -v spawn-fcgi >/dev/null 2>&1; then
		spawn-fcgi -u "$srvuser" -g "$srvuser" -a 127.0.0.1 \
		    -p "$fport" -n -- "$FCGI" -d "$work/auth.db" \
		    >>"$work/portcullis.err" 2>&1 &
	else
		setpriv --reuid="$srvuser" --regid="$srvuser" --clear-groups \
		    -- "$FCGI" -d "$work/auth.db" -s "127.0.0.1:$fport" \
		    >>"$work/portcullis.err" 2>&1 &
	fi
	fpid=$!
	started $fpid
}

# start_apache NAME CONF URL [-DNAME...]: Apache in the foreground on
# the ports chosen (start_server, tests/lib.sh), up when URL answers at
# all; sets $apid.  Returns 1, having said why, when it did not come up.
start_apache()
{
	_an=$1 a_conf=$2 a_url=$3
	shift 3
	a_defs=$*
	start_server "$_an: Apache" "$port" 1 "$work/apache.err" apache_test \
	    apache2 -f "$a_conf" -DFOREGROUND "$@" || return 1
	apid=$srv_pid
}

# apache_test: start_apache's configuration test (start_server's
# PREPARE); $a_defs are -DNAME words without spaces.
apache_test()
{
	srv_url=$a_url
	srv_logs=$work/log/portcullis-error.log
	apache2 -t -f "$a_conf" $a_defs >"$work/apache-t.log" 2>&1 &&
	    return 0
	fail "config test $a_defs: $(cat "$work/apache-t.log")"
	return 1
}

# probe: start_server's PREPARE for the first Apache, which finds the
# ports: $port, a slot in 18100-18119, and Portcullis, the proxy and the
# origin 20, 40 and 60 above it, Portcullis (re)started on its port.
probe()
{
	[ -n "$fpid" ] && stop_server "$fpid"
	fport=$((port + 20)) pport=$((port + 40)) oport=$((port + 60))
	start_portcullis
	mkconf apache-authnz-fcgi.conf "$work/apache/probe.conf"
	a_conf=$work/apache/probe.conf a_defs=
	a_url=http://127.0.0.1:$port/public/index.html
	apache_test || return 1
	srv_also=$fpid
	srv_logs="$srv_logs $work/portcullis.err"
}

# What Apache's own challenge looks like (mod_auth_basic, AuthName):
# no charset parameter.
apache_basic='WWW-Authenticate: Basic realm="Portcullis demo"'
portcullis_basic='WWW-Authenticate: Basic realm="Portcullis demo", charset="UTF-8"'

# override N: what the client sees on Apache for row N, per $variant.
override()
{
	case $variant:$1 in
	# Everywhere: Apache refuses an encoded slash in the path itself
	# (AllowEncodedSlashes Off, its default) with 404, before any
	# authentication.  Portcullis would say 400.
	*:17)		echo 404 ;;

	# check_user_id: Portcullis's status, headers and body pass,
	# except that Apache rewrites Allow on a 405 from what it knows
	# about the resource (nothing but TRACE for a static file before
	# its handler ran).
	cuid:12)	echo "405;Allow: TRACE" ;;

	# AuthBasicProvider, Require (htpasswd) and FcgidAuthenticator:
	# Apache asks for credentials before Portcullis is asked, so a
	# rule for "all" is out of reach (rows 1, 12, 14: 401), and every
	# denial of Portcullis, 403 and 405 included, becomes Apache's 401
	# with Apache's own challenge (no charset parameter).
	basic:1|basic:2|basic:3|basic:12|basic:14| \
	require:1|require:2|require:3|require:12|require:14| \
	fbasic:1|fbasic:2|fbasic:3|fbasic:12|fbasic:14)
			echo "401;$apache_basic" ;;
	basic:9|basic:10|basic:13|basic:22|basic:23| \
	require:9|require:10|require:13|require:22|require:23| \
	fbasic:9|fbasic:10|fbasic:13|fbasic:22|fbasic:23)
			echo 401 ;;

	# FcgidAccessChecker: every denial becomes 401 (Portcullis's
	# challenge is kept, its body is not); the Allow of the 405 still
	# reaches the client, on that 401.
	fcgid:9|fcgid:10|fcgid:13|fcgid:14|fcgid:22|fcgid:23)
			echo 401 ;;
	fcgid:12)	echo "401;Allow: GET, HEAD" ;;

	# mod_cgid: Portcullis is the responder, which performs only GET
	# and HEAD: a DELETE is 405 before credentials are read.
	cgi:13)		echo "405;Allow: GET, HEAD" ;;

	# Row 26 needs none: with "Options None" (no FollowSymLinks)
	# Apache refuses the link with 403 while it maps the URL to a
	# file, before authentication and before any handler, so in
	# every variant (mod_cgid's "Action ... virtual" included).
	esac
}

# check_common NAME: assertions every variant shares, after the table.
check_common()
{
	if grep -l '^Variable-' "$work"/srv.*.hdr >/dev/null 2>&1; then
		fail "$1: a Variable-* header reached the client:" \
		    "$(grep -h '^Variable-' "$work"/srv.*.hdr | sort -u | tr '\n' '|')"
	else
		ok "$1: no Variable-* header in any client response"
	fi
	# REMOTE_USER: Apache's user for the request is the one
	# Portcullis (or the password file) authenticated (row 8).
	grep -q '^127\.0\.0\.1 alice "GET /docs/guide.txt HTTP/1.1" 200$' \
	    "$work/log/portcullis-access.log" &&
	    ok "$1: alice in the access log" ||
	    fail "$1: no alice in the access log:" \
		"$(tail -3 "$work/log/portcullis-access.log")"
	# An anonymous allow: Apache needs a user in check_user_id mode
	# and takes DefaultUser; the others have none (or no anonymous
	# access at all).
	case $1 in
	cuid)	_anon=anonymous ;;
	*)	_anon=- ;;
	esac
	case $1 in
	cuid|fcgid)
		grep -q "^127\.0\.0\.1 $_anon \"GET /public/index.html HTTP/1.1\" 200\$" \
		    "$work/log/portcullis-access.log" &&
		    ok "$1: anonymous allow logged as $_anon" ||
		    fail "$1: anonymous allow: $(grep public/index \
			"$work/log/portcullis-access.log")" ;;
	esac
	# A body is never read: a POST with one is answered at once.
	send_curl POST /docs/guide.txt bob builder - "$work/post" \
	    --data-binary 'a=1&b=2' --max-time 5
	split_response "$work/post"
	case $(cat "$work/post.status") in
	000|'')	fail "$1: POST with a body: no answer" ;;
	*)	ok "$1: POST with a body: $(cat "$work/post.status")" ;;
	esac
	# Apache as a Require provider vouches for REMOTE_USER; Portcullis
	# still needs the user in its database, enabled: ghost is only in
	# Apache's password file (a user deleted from Portcullis, say),
	# and once got /members/ (valid-user) through.
	case $1 in
	require)
		send_curl GET /members/index.html ghost ghost-pw - "$work/ghost"
		split_response "$work/ghost"
		check_eq "$1: a user Apache knows and Portcullis does not" \
		    "$(cat "$work/ghost.status")" 401 ;;
	esac
	rm -f "$work"/srv.* "$work/log/portcullis-access.log"
	check_407 "$1"
}

# check_407 NAME: proxy_auth on without a proxy in front.  Only
# check_user_id mode passes 407 on; the Basic modes need an
# Authorization header before Portcullis is asked and then turn its 407
# into their 401; mod_fcgid turns it into 401 (Proxy-Authenticate
# leaks along) but does pass Proxy-Authorization on (CGIPassAuth On).
check_407()
{
	setting proxy_auth on
	send_curl GET /docs/guide.txt bob builder - "$work/p407"
	split_response "$work/p407"
	send_curl GET /docs/guide.txt - - \
	    "Proxy-Authorization: Basic $(b64 bob:builder)" "$work/p200"
	split_response "$work/p200"
	setting proxy_auth off
	case $1 in
	cuid)	_want="407;Proxy-Authenticate: Basic realm=\"Portcullis demo\", charset=\"UTF-8\""
		_w200=200 ;;
	fcgid)	_want="401;Proxy-Authenticate: Basic realm=\"Portcullis demo\", charset=\"UTF-8\""
		_w200=200 ;;
	*)	_want="401;$apache_basic"
		_w200=401 ;;
	esac
	check_eq "$1: proxy_auth on, WWW credentials" \
	    "$(cat "$work/p407.status")" "${_want%%;*}"
	grep -qxF -- "${_want#*;}" "$work/p407.hdr" &&
	    ok "$1: proxy_auth on: ${_want#*;}" ||
	    fail "$1: proxy_auth on: no [${_want#*;}] in: $(tr '\n' '|' < "$work/p407.hdr")"
	check_eq "$1: proxy_auth on, Proxy-Authorization" \
	    "$(cat "$work/p200.status")" "$_w200"
}

# run_variant NAME EXAMPLE [-DNAME]
run_variant()
{
	variant=$1
	mkconf "$2" "$work/apache/$1.conf"
	shift 2
	start_apache "$variant" "$work/apache/$variant.conf" \
	    "http://127.0.0.1:$port/public/index.html" "$@" || return
	ok "$variant: Apache on 127.0.0.1:$port"
	run_servers send_curl
	check_common "$variant"
	stop_server "$apid"
}

start_server "ports: Apache" 18100 20 "$work/apache.err" probe \
    apache2 -f "$work/apache/probe.conf" -DFOREGROUND || finish apache
stop_server "$srv_pid"

# --- mod_authnz_fcgi ------------------------------------------------
run_variant cuid apache-authnz-fcgi.conf
# Portcullis on TCP logs to syslog, not to FCGI_STDERR: any local
# process can connect to 127.0.0.1:PORT, and would read there the
# failure lines of its own guesses (mod_authnz_fcgi relays them into
# Apache's ErrorLog, which shows where they went).
if grep -q 'portcullis: auth failure' "$work/log/portcullis-error.log"; then
	fail "cuid: failure lines went back on FCGI_STDERR over TCP"
else
	ok "cuid: no failure line on FCGI_STDERR over TCP (syslog)"
fi
# Row 3 (bob, wrong password) is 401 and rows 7/8 are 200 in the Basic
# variants: REMOTE_USER + REMOTE_PASSWD are really checked.
run_variant basic apache-authnz-fcgi.conf -DPortcullisBasic
if command -v htpasswd >/dev/null 2>&1; then
	: > "$work/htpasswd"
	for up in alice:wonderland bob:builder carol:carol-pw ghost:ghost-pw; do
		htpasswd -b "$work/htpasswd" "${up%%:*}" "${up#*:}" \
		    >/dev/null 2>&1
	done
	run_variant require apache-authnz-fcgi.conf -DPortcullisRequire
else
	ok "# SKIP Require mode: no htpasswd"
fi

# --- 407: the forward proxy ------------------------------------------
# send_proxy TARGET OUT [curl options...]: through the proxy to the
# origin vhost.
send_proxy()
{
	_t=$1 _o=$2
	shift 2
	curl -s -i --max-time 10 -x "http://127.0.0.1:$pport" "$@" \
	    "http://127.0.0.1:$oport$_t" >"$_o" 2>/dev/null
}
setting proxy_auth on
mkconf apache-proxy.conf "$work/apache/proxy.conf"
# A port of the Apache just stopped can still be held for a moment by
# one of its exiting children (a distcheck run once failed to bind the
# origin port): start_server tries again for a few seconds.
if start_apache proxy "$work/apache/proxy.conf" "http://127.0.0.1:$oport/"
then
	ok "proxy: Apache on 127.0.0.1:$pport, origin :$oport"
	send_proxy /docs/guide.txt "$work/px1"
	split_response "$work/px1"
	check_eq "proxy: no credentials" "$(cat "$work/px1.status")" 407
	grep -qxF 'Proxy-Authenticate: Basic realm="Portcullis demo", charset="UTF-8"' \
	    "$work/px1.hdr" && ok "proxy: Proxy-Authenticate" ||
	    fail "proxy: no Proxy-Authenticate in: $(tr '\n' '|' < "$work/px1.hdr")"
	send_proxy /docs/guide.txt "$work/px2" --proxy-user bob:builder
	split_response "$work/px2"
	check_eq "proxy: bob" "$(cat "$work/px2.status")" 200
	cmp -s "$work/px2.body" "$work/www/docs/guide.txt" &&
	    ok "proxy: bob gets the guide" || fail "proxy: body is not the guide"
	send_proxy /docs/guide.txt "$work/px3" --proxy-user bob:wrong
	split_response "$work/px3"
	check_eq "proxy: bob, wrong password" "$(cat "$work/px3.status")" 407
	# WWW credentials are not proxy credentials.
	send_proxy /docs/guide.txt "$work/px4" -u bob:builder
	split_response "$work/px4"
	check_eq "proxy: Authorization instead" "$(cat "$work/px4.status")" 407
	send_proxy /admin/index.html "$work/px5" --proxy-user alice:wonderland
	split_response "$work/px5"
	check_eq "proxy: alice to /admin" "$(cat "$work/px5.status")" 403
	send_proxy /public/index.html "$work/px6"
	split_response "$work/px6"
	check_eq "proxy: anonymous /public" "$(cat "$work/px6.status")" 200
	# Only 127.0.0.1 is proxied; nothing is sent elsewhere.
	curl -s -i --max-time 10 -x "http://127.0.0.1:$pport" \
	    --proxy-user bob:builder http://example.invalid/docs/guide.txt \
	    >"$work/px7" 2>/dev/null
	split_response "$work/px7"
	check_eq "proxy: other hosts refused" "$(cat "$work/px7.status")" 403
	grep -q 'Variable-' "$work"/px?.hdr &&
	    fail "proxy: Variable-* reached the client" ||
	    ok "proxy: no Variable-* header"
	stop_server "$apid"
fi
setting proxy_auth off
stop_server "$fpid"

# --- mod_fcgid: it starts Portcullis itself -------------------------
run_variant fcgid apache-fcgid.conf
run_variant fbasic apache-fcgid.conf -DPortcullisFcgidBasic

# --- mod_cgid: portcullis.fcgi as a CGI responder -------------------
# Apache makes a query string without "=" into command-line arguments
# (RFC 3875 §4.4): they must never be options.  An attacker's root and
# database, readable by the server's user:
mkdir -p "$work/evilroot/public"
printf 'EVIL ROOT\n' > "$work/evilroot/public/index.html"
as_srv "$SQLITE3" -batch "$work/auth.db" ".backup '$work/evil.db'"
as_srv "$SQLITE3" -batch "$work/evil.db" \
    "INSERT INTO rules (pattern, methods, principal) VALUES ('/docs/guide.txt', 'GET', 'all')"
chmod -R a+rX "$work/evilroot"
variant=cgi
mkconf apache-cgi.conf "$work/apache/cgi.conf"
if start_apache cgi "$work/apache/cgi.conf" \
    "http://127.0.0.1:$port/public/index.html"; then
	ok "cgi: Apache on 127.0.0.1:$port"
	run_servers send_curl
	send_curl GET "/public/index.html?-r+$work/evilroot" - - - "$work/argv1"
	split_response "$work/argv1"
	check_eq "cgi: ?-r+ROOT: status" "$(cat "$work/argv1.status")" 200
	cmp -s "$work/argv1.body" "$work/www/public/index.html" &&
	    ok "cgi: ?-r+ROOT: the real document root" ||
	    fail "cgi: ?-r+ROOT: body [$(head -c 80 "$work/argv1.body")]"
	send_curl GET "/docs/guide.txt?-d+$work/evil.db" - - - "$work/argv2"
	split_response "$work/argv2"
	check_eq "cgi: ?-d+EVIL.db: the real database" \
	    "$(cat "$work/argv2.status")" 401
	send_curl GET "/docs/guide.txt?-s+127.0.0.1:$oport" - - - "$work/argv3"
	split_response "$work/argv3"
	check_eq "cgi: ?-s+ADDR: one CGI answer" "$(cat "$work/argv3.status")" 401
	grep -q 'portcullis: CGI request: 2 command-line arguments ignored' \
	    "$work/log/portcullis-error.log" &&
	    ok "cgi: ignored arguments logged" ||
	    fail "cgi: no log line for the ignored arguments"
	stop_server "$apid"
fi

for f in "$work/log/portcullis-error.log" "$work/portcullis.err"; do
	if grep -q 'AddressSanitizer\|runtime error' "$f" 2>/dev/null; then
		fail "sanitizer report in $f"
	fi
done
ok "no sanitizer report"
# Portcullis's decision log reaches Apache's ErrorLog (mod_authnz_fcgi
# relays FCGI_STDERR, mod_fcgid gives the process the log as stderr).
bad_password_logged "auth failure in Apache's error log" \
    "$work/log/portcullis-error.log"

finish apache
