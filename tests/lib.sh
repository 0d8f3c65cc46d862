# lib.sh: shared by the shell tests.  Source it; it sets up:
#   $top_builddir, $top_srcdir   (make check exports them; else ".")
#   $FCGI, $ADMIN                the built programs
#   $work                        a fresh mktemp -d directory, removed on exit
#   ok/fail/check_eq/finish      TAP-like lines and a closing count
# Programs started in the background are registered with `started PID`
# and only those PIDs are stopped on exit (or by `stop_server PID`).
# Web servers start through start_server (below), on 127.0.0.1 only.
#
# Fixed 127.0.0.1 ports, one range per script, so that scripts (and
# several make check runs) never pick each other's ports:
#   18000-18049  server-lighttpd.sh
#   18050-18099  server-lighttpd-authorizer.sh
#   18100-18179  server-apache.sh (Apache, Portcullis, proxy, origin:
#                20 slots, +0 +20 +40 +60)
#   18200-18299  server-nginx.sh (auth_request 18200-18224, vhost
#                18225-18249, responder 18250-18299)
#   18300-18449  server-caddy.sh (site +0, admin API +30: fwd 18300,
#                bridge 18360, app 18390)
#   18450-18499  browser.sh (lighttpd)
#   18500-18599  bench/http.sh (nginx; not part of make check)
#   18600-18647  server-nginx-cache.sh (cache 18600, nostore 18616,
#                anyvalid 18632, 16 each)
#   18650-18699  deploy.sh (nginx 18650-18674, lighttpd 18675-18699)
#   18700-18799  workers.sh (portcullis.fcgi -n 2 over TCP)
#   18800-18899  lockout.sh (nginx 18800, lighttpd authorizer 18810,
#                responder 18820, Apache 18830 + Portcullis +5, Caddy
#                18840-18869 + admin API +30)
#   18900-18949  bench/soak.sh (nginx +0, rollback-journal nginx +12,
#                12 each): tests/soak.sh 18900-18923, make soak
#                18925-18948; not part of make check
#   18950-18974  listen.sh (portcullis.fcgi -s 127.0.0.1:PORT in use)
#   19000-19019  health.sh (nginx: health and metrics)
#   19020-19039  server-roles.sh (nginx auth_request: role hierarchy)
#   19100-19179  health-servers.sh (lighttpd 19100, Apache 19105 +
#                Portcullis +3, Caddy 19120-19149 + admin API +30)
#   19180-19239  server-tokens.sh: Caddy (site 19180-19209, admin +30)
#   18975-18999  server-tokens.sh (nginx 18975, lighttpd authorizer
#                18980, Apache 18985 and 18991 + Portcullis +3)
#   19070-19099  server-certs.sh (nginx 19070, Apache 19080 and 19090
#                + Portcullis +5)
#   19040-19069  server-net.sh (nginx 19040, realip nginx 19045;
#                then Caddy 19040-19069, admin API off)

set -u
top_builddir=${top_builddir:-$(pwd)}
top_srcdir=${top_srcdir:-$top_builddir}
SQLITE3=${SQLITE3:-sqlite3}
FCGI=$top_builddir/cgi-bin/portcullis.fcgi
ADMIN=$top_builddir/src/portcullis
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}

npass=0
nfail=0
pids=
work=$(mktemp -d "${TMPDIR:-/tmp}/portcullis-test.XXXXXX") || exit 99

cleanup()
{
	for p in $pids; do
		kill "$p" 2>/dev/null
	done
	for p in $pids; do
		wait "$p" 2>/dev/null
	done
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP PIPE

started()
{
	pids="$pids $1"
}

ok()
{
	npass=$((npass + 1))
	echo "ok $((npass + nfail)) - $*"
}

fail()
{
	nfail=$((nfail + 1))
	echo "not ok $((npass + nfail)) - $*"
}

# check_eq WHAT GOT WANT
check_eq()
{
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		fail "$1: got [$2], want [$3]"
	fi
}

# finish NAME: the closing line, and the exit status.
finish()
{
	echo "$1: $npass passed, $nfail failed"
	[ "$nfail" -eq 0 ] && [ "$npass" -gt 0 ]
	exit $?
}

# skip_or_fail WHY: a missing server is a skip on a laptop, a failure
# in CI.
skip_or_fail()
{
	if [ -n "${CI:-}" ]; then
		echo "not ok 1 - $1 (CI must have it)"
		exit 1
	fi
	echo "SKIP: $1"
	exit 77
}

# b64 STRING: base64 of the bytes of STRING, one line.
b64()
{
	printf '%s' "$1" | base64 | tr -d '\n'
}

# split_response FILE: FILE.status (the code), FILE.hdr (header lines,
# CR removed, no status line), FILE.body (the bytes after the blank
# line).  Works for CGI output ("Status: 401 ...") and for HTTP
# ("HTTP/1.1 401 ...").
split_response()
{
	awk -v hdr="$1.hdr" -v st="$1.status" '
		BEGIN { code = "200" }
		NR == 1 && /^HTTP\// { code = $2; next }
		{ sub(/\r$/, "") }
		$0 == "" { exit }
		/^Status: / { code = $2 }
		{ print > hdr }
		END { print code > st }
	' "$1"
	touch "$1.hdr"
	# The body: everything after the first empty (CRLF) line.
	perl -0777 -ne 'print $1 if /\r?\n\r?\n(.*)\z/s' "$1" > "$1.body"
}

# read_table FILE: the rows of a '|'-separated table without comments
# and blank lines, fields trimmed, joined by '|'.
read_table()
{
	sed -e '/^[[:space:]]*#/d' -e '/^[[:space:]]*$/d' \
	    -e 's/[[:space:]]*|[[:space:]]*/|/g' \
	    -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//' "$1"
}

# demo_setup DIR: a database and a document root for the tests and
# the demo (tests/demo-db.sh).
demo_setup()
{
	ADMIN=$ADMIN SQLITE3=$SQLITE3 sh "$top_srcdir/tests/demo-db.sh" \
	    "$1/auth.db" "$1/www" \
	    >"$1/setup.log" 2>&1 || { cat "$1/setup.log"; return 1; }
}

# run_table TABLE SEND: for every row, `SEND method target user pass
# out` must leave the raw response in out; asserts status, header
# line and body.  user/pass "-" means no credentials.
run_table()
{
	_n=0
	while IFS='|' read -r m t u p st h f; do
		_n=$((_n + 1))
		_out=$work/resp.$_n
		"$2" "$m" "$t" "$u" "$p" "$_out"
		split_response "$_out"
		_what="$m $t user=$u"
		check_eq "$_what: status" "$(cat "$_out.status")" "$st"
		if [ -n "$h" ]; then
			if grep -qxF -- "$h" "$_out.hdr"; then
				ok "$_what: $h"
			else
				fail "$_what: no [$h] in: $(tr '\n' '|' \
				    < "$_out.hdr")"
			fi
		fi
		if [ -n "$f" ]; then
			if cmp -s "$_out.body" "$work/www/$f"; then
				ok "$_what: body is $f"
			else
				fail "$_what: body is not $f"
			fi
		elif [ "$st" != 200 ] && [ "$m" != HEAD ] &&
		    grep -q "root:" "$_out.body"; then
			fail "$_what: leaked a file"
		fi
		case $st in
		2*)	;;
		*)	grep -q '^Vary:' "$_out.hdr" &&
			    fail "$_what: Vary on a denial" ;;
		esac
	done <<EOT
$(read_table "$1")
EOT
}

# run_servers SEND: tests/servers.tab through a web server.  For row N
# the expectation is `override N` if the calling script defines
# override() and it prints something, else the table's.  `SEND method
# target user pass header out` leaves the raw HTTP response in out.
run_servers()
{
	while IFS='|' read -r nm t u p h e f; do
		set -- "$1" $nm
		_n=$2
		_m=$3
		_out=$work/srv.$_n
		if command -v override >/dev/null 2>&1; then
			_o=$(override "$_n")
			if [ -n "$_o" ]; then
				e=$_o
				# A server that denies what the table
				# allows has no file to compare.
				case $e in 2*) ;; *) f=- ;; esac
			fi
		fi
		"$1" "$_m" "$t" "$u" "$p" "$h" "$_out"
		split_response "$_out"
		_st=${e%%;*}
		_what="row $_n: $_m $t user=$u${h:+ [$h]}"
		[ "$h" = - ] && _what="row $_n: $_m $t user=$u"
		check_eq "$_what: status" "$(cat "$_out.status")" "$_st"
		case $e in
		*\;*)	_hl=${e#*;}
			if grep -qxF -- "$_hl" "$_out.hdr"; then
				ok "$_what: $_hl"
			else
				fail "$_what: no [$_hl] in: $(tr '\n' '|' \
				    < "$_out.hdr")"
			fi ;;
		esac
		if [ "$f" != - ]; then
			if cmp -s "$_out.body" "$work/www/$f"; then
				ok "$_what: body is $f"
			else
				fail "$_what: body is not $f"
			fi
		elif grep -q 'only viewers\|<h1>Admin\|<h1>Members' \
		    "$_out.body"; then
			fail "$_what: protected content in a denial"
		fi
	done <<EOT
$(read_table "$top_srcdir/tests/servers.tab")
EOT
}

# wait_socket PATH PID: wait (bounded, 5 s) until the Unix socket PATH
# exists or PID has died.  Returns 0 if the socket is there.
wait_socket()
{
	_i=0
	while [ $_i -lt 100 ] && [ ! -S "$1" ] && kill -0 "$2" 2>/dev/null
	do
		sleep 0.05
		_i=$((_i + 1))
	done
	[ -S "$1" ]
}

# send_curl METHOD TARGET USER PASS HEADER OUT [curl options...]: one
# request to 127.0.0.1:$port, the raw response in OUT.  USER "-": no
# credentials; HEADER "-": no extra header.
send_curl()
{
	_m=$1 _t=$2 _u=$3 _p=$4 _h=$5 _o=$6
	shift 6
	if [ "$_m" = HEAD ]; then
		set -- "$@" --head
	else
		set -- "$@" -X "$_m"
	fi
	[ "$_u" != - ] && set -- "$@" -u "$_u:$_p"
	[ "$_h" != - ] && set -- "$@" -H "$_h"
	case $_m in
	POST|PUT|PATCH)	set -- "$@" --data-binary '' ;;	# else 411
	esac
	curl -s -i --path-as-is --max-time 10 "$@" \
	    "http://127.0.0.1:$port$_t" >"$_o" 2>/dev/null
}

# send_fcgi METHOD TARGET USER PASS OUT: one request to the FastCGI
# socket $sock by libfcgi's cgi-fcgi, the response in OUT, split
# (split_response); cgi-fcgi's stderr in $work/cgi-fcgi.err.  USER "-":
# no credentials.
send_fcgi()
{
	_auth=
	[ "$3" != - ] && _auth="HTTP_AUTHORIZATION=Basic $(b64 "$3:$4")"
	env -i REQUEST_METHOD="$1" REQUEST_URI="$2" HTTP_HOST=127.0.0.1 \
	    REMOTE_ADDR=127.0.0.1 ${_auth:+"$_auth"} \
	    timeout 10 cgi-fcgi -bind -connect "$sock" </dev/null >"$5" \
	    2>>"$work/cgi-fcgi.err"
	split_response "$5"
}

# send_table METHOD TARGET USER PASS OUT: run_table's SEND, by curl.
send_table()
{
	send_curl "$1" "$2" "$3" "$4" - "$5"
}

# fail_closed WHAT WANT [-s]: nobody gets in when Portcullis cannot
# decide: an anonymous GET /public/index.html (allowed to everybody)
# through the server on 127.0.0.1:$port must be WANT.  -s: while
# $work/auth.db has another schema version (put back after); without
# it, as things are (Portcullis stopped by the caller).
fail_closed()
{
	if [ "${3:-}" = -s ]; then
		_fc_uv=$("$SQLITE3" -batch "$work/auth.db" "PRAGMA user_version")
		"$SQLITE3" -batch "$work/auth.db" "PRAGMA user_version = 9999"
	fi
	send_curl GET /public/index.html - - - "$work/closed"
	split_response "$work/closed"
	check_eq "$1" "$(cat "$work/closed.status")" "$2"
	if [ "${3:-}" = -s ]; then
		"$SQLITE3" -batch "$work/auth.db" "PRAGMA user_version = $_fc_uv"
	fi
}

# setting NAME VALUE: Portcullis's setting NAME (the settings table)
# is VALUE in $work/auth.db; the sqlite3 shell runs under $db_as if set
# (server-apache.sh's as_srv: as the server's user).
setting()
{
	${db_as:-} "$SQLITE3" -batch "$work/auth.db" \
	    "UPDATE settings SET value = '$2' WHERE name = '$1'"
}

# sanitizer_free WHAT FILE...: no AddressSanitizer or UBSan ("runtime
# error") report in FILE... (logs of a stopped server or Portcullis).
sanitizer_free()
{
	_sf=$1
	shift
	if grep -q 'AddressSanitizer\|runtime error' "$@"; then
		fail "sanitizer report $_sf"
	else
		ok "no sanitizer report $_sf"
	fi
}

# bad_password_logged WHAT FILE: Portcullis logged bob's wrong password
# (tests/servers.tab and decisions.tab send one) in FILE, a server's
# error log.
bad_password_logged()
{
	if grep -qF 'portcullis: auth failure: client=127.0.0.1 reason=bad-password user="bob"' \
	    "$2"; then
		ok "$1"
	else
		fail "no auth failure in $2: $(tail -3 "$2")"
	fi
}

# unstarted PID: forget PID (it was stopped): cleanup() leaves it be.
unstarted()
{
	_us=
	for _q in $pids; do
		[ "$_q" = "$1" ] || _us="$_us $_q"
	done
	pids=$_us
}

# stop_server PID: SIGTERM to PID, wait for it and forget it; returns
# its exit status.
stop_server()
{
	kill "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	_st_rc=$?
	unstarted "$1"
	return $_st_rc
}

# start_server NAME BASE SPAN LOG PREPARE CMD...: start the web server
# CMD (it stays in the foreground, its stderr goes to LOG) on a port of
# its own and wait until it is up; sets $port, and $srv_pid (stopped on
# exit, or by stop_server).
#   $port    BASE + ($$ + try) % SPAN: up to 5 tries, each on the next
#            port of BASE..BASE+SPAN-1.  With SPAN 1 the port is fixed
#            and tried again only while LOG says "Address already in
#            use" (a port of a server just stopped can be held for a
#            moment by one of its exiting children): 10 more times,
#            0.5 s apart.
#   PREPARE  a function run before each try, with $port set: it writes
#            the configuration for $port (listening on 127.0.0.1 only)
#            and tests it; it may set
#              srv_url      what answers once the server is up
#                           (default http://127.0.0.1:$port/);
#              srv_pidfile  a file the server writes once it holds its
#                           sockets (an answer alone may come from
#                           another server that holds the port);
#              srv_also     more PIDs that must be alive at the end;
#              srv_logs     more files whose tail says why it failed.
#            It returns 1, having said why, to give up.
# Up: CMD alive, srv_url answered (any status; polled every 0.05 s for
# 5 s at most), srv_pidfile not empty, srv_also alive.  Returns 1, with
# a fail line that ends in the tails of the logs, when no try was.
start_server()
{
	_ss_nm=$1 _ss_base=$2 _ss_span=$3 _ss_log=$4 _ss_prep=$5
	shift 5
	_ss_try=0
	while :; do
		port=$((_ss_base + ($$ + _ss_try) % _ss_span))
		srv_url=http://127.0.0.1:$port/ srv_pidfile= srv_also= srv_logs=
		"$_ss_prep" || return 1
		[ -z "$srv_pidfile" ] || rm -f "$srv_pidfile"
		"$@" 2>"$_ss_log" &
		srv_pid=$!
		if server_up; then
			started $srv_pid
			return 0
		fi
		kill $srv_pid 2>/dev/null
		wait $srv_pid 2>/dev/null
		_ss_try=$((_ss_try + 1))
		if [ "$_ss_span" -gt 1 ]; then
			[ $_ss_try -lt 5 ] && continue
		elif [ $_ss_try -le 10 ] &&
		    grep -q 'Address already in use' "$_ss_log"; then
			sleep 0.5
			continue
		fi
		fail "$_ss_nm did not start: $(tail -n 5 "$_ss_log" $srv_logs \
		    2>/dev/null)"
		return 1
	done
}

# server_up: start_server's wait for $srv_pid; returns 0 if it is up.
server_up()
{
	_su_i=0 _su_s=000
	while [ $_su_i -lt 100 ] && kill -0 $srv_pid 2>/dev/null; do
		_su_s=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 \
		    "$srv_url")
		[ "$_su_s" != 000 ] &&
		    { [ -z "$srv_pidfile" ] || [ -s "$srv_pidfile" ]; } && break
		sleep 0.05
		_su_i=$((_su_i + 1))
	done
	kill -0 $srv_pid 2>/dev/null && [ "$_su_s" != 000 ] &&
	    { [ -z "$srv_pidfile" ] || [ -s "$srv_pidfile" ]; } || return 1
	for _q in $srv_also; do
		kill -0 "$_q" 2>/dev/null || return 1
	done
}

# start_lighttpd EXAMPLE BASE SPAN: examples/EXAMPLE (a lighttpd
# config) with its paths under $work, through start_server on a port in
# BASE..BASE+SPAN-1; sets $port and $lpid.  lighttpd keeps running as
# the test's user, unless $lighttpd_as_example is set (deploy.sh, as
# root): then the example's server.username and server.groupname stay.
# The database is $work/auth.db, or $example_db if set.
start_lighttpd()
{
	mkdir -p "$work/empty" "$work/run"
	_lu='/^server.username/d'
	_lg='/^server.groupname/d'
	[ -n "${lighttpd_as_example:-}" ] && _lu='s/^$//' _lg='s/^$//'
	sed -e "$_lu" -e "$_lg" \
	    -e "s|/var/www/empty|$work/empty|" \
	    -e "s|/var/log/lighttpd/portcullis-error.log|$work/error.log|" \
	    -e "s|/var/log/lighttpd/portcullis-access.log|$work/access.log|" \
	    -e "s|/run/lighttpd-portcullis.pid|$work/run/lighttpd.pid|" \
	    -e "s|/usr/lib/cgi-bin/portcullis.fcgi|$FCGI|" \
	    -e "s|/run/lighttpd/portcullis[a-z-]*.sock|$work/run/portcullis.sock|" \
	    -e "s|/var/lib/portcullis/auth.db|${example_db:-$work/auth.db}|" \
	    -e "s|/srv/www|$work/www|g" \
	    "$top_srcdir/examples/$1" > "$work/lighttpd.conf.in"
	start_server lighttpd "$2" "$3" "$work/lighttpd.err" lighttpd_conf \
	    lighttpd -D -f "$work/lighttpd.conf" || return 1
	lpid=$srv_pid
}

lighttpd_conf()
{
	sed -e "s|^server.port .*|server.port = $port|" \
	    "$work/lighttpd.conf.in" > "$work/lighttpd.conf"
	lighttpd -tt -f "$work/lighttpd.conf" >"$work/conftest.log" 2>&1 &&
	    return 0
	fail "config test: $(cat "$work/conftest.log")"
	return 1
}

# start_nginx EXAMPLE NAME BASE SPAN [SED-EXPR...]: run examples/EXAMPLE
# with its paths under $work/NAME (pid file, logs, temporary and cache
# directories), the Portcullis socket $sock and the document root
# $work/www, through start_server on a port in BASE..BASE+SPAN-1; sets
# $port.  SED-EXPR: more edits for the test's copy only.  The workers
# run as the test's user, or as $nginx_user ("USER GROUP") if set
# (deploy.sh, as root: the example's www-data).  nginx writes
# its pid file once it holds its sockets: that and an answer on the port
# mean this nginx is up (not another one that holds the port).
start_nginx()
{
	_ex=$1 _nm=$2 _base=$3 _span=$4
	nginx_d=$work/$_nm
	shift 4
	_n=$#
	while [ "$_n" -gt 0 ]; do
		set -- "$@" -e "$1"
		shift
		_n=$((_n - 1))
	done
	mkdir -p "$nginx_d/logs" "$nginx_d/tmp"
	sed -e "s|^user .*|user ${nginx_user:-$(id -un) $(id -gn)};|" \
	    -e "s|/run/nginx-portcullis\.pid|$nginx_d/nginx.pid|" \
	    -e "s|/run/nginx-portcullis-cache|$nginx_d/cache|" \
	    -e "s|/var/log/nginx/|$nginx_d/logs/|" \
	    -e "s|/var/lib/nginx/|$nginx_d/tmp/|" \
	    -e "s|/run/portcullis/portcullis\.sock|$sock|" \
	    -e "s|/srv/www|$work/www|" \
	    "$@" "$top_srcdir/examples/$_ex" > "$nginx_d/nginx.conf.in"
	start_server "$_nm: nginx" "$_base" "$_span" "$nginx_d/nginx.err" \
	    nginx_conf nginx -p "$nginx_d/" -c "$nginx_d/nginx.conf" \
	    -g 'daemon off;' || return 1
	ok "$_nm: nginx on 127.0.0.1:$port"
}

nginx_conf()
{
	sed -e "s|listen 127\.0\.0\.1:8080;|listen 127.0.0.1:$port;|" \
	    "$nginx_d/nginx.conf.in" > "$nginx_d/nginx.conf"
	srv_pidfile=$nginx_d/nginx.pid
	srv_logs=$nginx_d/logs/portcullis-error.log
	nginx -t -q -p "$nginx_d/" -c "$nginx_d/nginx.conf" \
	    >"$nginx_d/conftest.log" 2>&1 && return 0
	fail "${nginx_d##*/}: nginx -t: $(cat "$nginx_d/conftest.log")"
	return 1
}

# start_caddy SOURCE NAME BASE [SED-EXPR]: run the Caddyfile SOURCE
# with its paths under $work/NAME and the Portcullis socket $sock,
# through start_server: the site on a port in BASE..BASE+29, the admin
# API (if any) on that port + 30; sets $port.  SED-EXPR: an extra edit
# for the test's copy.
start_caddy()
{
	caddy_d=$work/$2
	mkdir -p "$caddy_d"
	sed -e "s|/run/portcullis/portcullis\.sock|$sock|" \
	    -e "s|/srv/www|$work/www|" \
	    -e "${4:-}" \
	    "$1" > "$caddy_d/Caddyfile.in"
	start_server "$2: caddy" "$3" 30 "$caddy_d/caddy.err" caddy_conf \
	    env HOME="$caddy_d" XDG_CONFIG_HOME="$caddy_d/config" \
	    XDG_DATA_HOME="$caddy_d/data" \
	    caddy run --adapter caddyfile --config "$caddy_d/Caddyfile" ||
	    return 1
	ok "$2: caddy on 127.0.0.1:$port"
}

caddy_conf()
{
	sed -e "s|^http://:[0-9]* {|http://:$port {|" \
	    -e "s|^\([[:space:]]*admin\) 127\.0\.0\.1:2019|\1 127.0.0.1:$((port + 30))|" \
	    "$caddy_d/Caddyfile.in" > "$caddy_d/Caddyfile"
	HOME=$caddy_d XDG_CONFIG_HOME=$caddy_d/config \
	    XDG_DATA_HOME=$caddy_d/data \
	    caddy validate --adapter caddyfile --config "$caddy_d/Caddyfile" \
	    >"$caddy_d/validate.log" 2>&1 && return 0
	fail "${caddy_d##*/}: caddy validate: $(cat "$caddy_d/validate.log")"
	return 1
}
