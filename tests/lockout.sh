#!/bin/sh
# lockout.sh: brute-force lockout (README, "Lockout") through the
# shipped example configurations, run by real servers on 127.0.0.1
# (ports 18800-18899), one portcullis.fcgi and one policy database:
#   nginx     examples/nginx-auth_request.conf      18800-18809
#   lighttpd  examples/lighttpd-authorizer.conf     18810-18819
#   lighttpd  examples/lighttpd-responder.conf      18820-18829
#   Apache    examples/apache-authnz-fcgi.conf      18830-18834,
#             check_user_id and -DPortcullisBasic   Portcullis +5
#   Caddy     examples/Caddyfile                    18840-18869,
#                                                   admin API +30
# With 3 attempts and a 3-second lock, per server: three wrong
# passwords are 401, the fourth request is locked (the status and
# Retry-After the client sees), the right password too; `portcullis
# lockout list` shows the keys; another source address (curl
# --interface 127.0.0.2: another REMOTE_ADDR, another network) gets
# in; an unknown user name is answered as a known one; an anonymous
# rule answers 200 throughout; the lock expires (one sleep past it);
# `portcullis lockout clear` lifts it; a state database that cannot be
# written (an administrator holds its write lock) or is missing is 503
# + Retry-After for credentials, and anonymous requests still pass.
# Then examples/fail2ban/filter.d/portcullis.conf, by fail2ban-regex,
# on the lines the servers wrote: every "auth failure" line matches,
# with its client address (IPv4, IPv6), and no other line does.
. "${top_srcdir:-.}/tests/lib.sh"

command -v curl >/dev/null 2>&1 || skip_or_fail "curl is not installed"
demo_setup "$work" || { fail "demo database"; finish lockout; }
state=$work/auth.db-state
sock=$work/portcullis.sock
mkdir -p "$work/logs"

# lset NAME VALUE: a setting of the policy database.
lset()
{
	"$SQLITE3" -batch "$work/auth.db" \
	    "INSERT OR REPLACE INTO settings (name, value) VALUES ('$1', '$2')"
}
lset lockout_attempts 3
lset lockout_seconds 5
lset lockout_network_attempts 1000

lockout()
{
	"$ADMIN" -d "$work/auth.db" lockout "$@"
}

# req OUT USER:PASS TARGET [curl options...]: one GET; USER:PASS "-"
# sends none.  OUT.line is the status line, OUT.status the code,
# OUT.hdr the headers.
req()
{
	_o=$1 _up=$2 _t=$3
	shift 3
	[ "$_up" != - ] && set -- "$@" -u "$_up"
	curl -s -i --max-time 10 "$@" "http://127.0.0.1:$port$_t" >"$_o" \
	    2>/dev/null
	split_response "$_o"
	head -n 1 "$_o" | tr -d '\r' > "$_o.line"
}

# hval OUT NAME: header NAME's value (any case) in OUT.hdr.
hval()
{
	awk -v n="$2" 'tolower(substr($0, 1, length(n) + 1)) == tolower(n) ":" {
		v = substr($0, length(n) + 2); sub(/^[ \t]*/, "", v); print v }' \
	    "$1.hdr"
}

# seen WHAT OUT LINE [RETRY]: OUT's status line is LINE; RETRY "r": a
# Retry-After of 1 to the lock time (5), "1": exactly 1, "none": no
# Retry-After, "-" (default): not looked at.
seen()
{
	check_eq "$1" "$(cat "$2.line")" "$3"
	case ${4:--} in
	-)	;;
	none)	check_eq "$1: no Retry-After" "$(hval "$2" Retry-After)" "" ;;
	r)	_ra=$(hval "$2" Retry-After)
		case $_ra in
		[1-5])	ok "$1: Retry-After: $_ra" ;;
		*)	fail "$1: Retry-After [$_ra], want 1-5: $(tr '\n' '|' \
			    < "$2.hdr")" ;;
		esac ;;
	*)	check_eq "$1: Retry-After" "$(hval "$2" Retry-After)" "$4" ;;
	esac
	case $3 in
	*' 200 '*)	;;
	*)	grep -q 'only viewers\|<h1>Admin\|<h1>Members' "$2.body" &&
		    fail "$1: protected content in a denial" ;;
	esac
}

# hdrnames OUT: the response's header names, lower case, sorted,
# without those that differ by time (Date, Retry-After) or length.
hdrnames()
{
	sed -e 's/:.*//' "$1.hdr" | tr 'A-Z' 'a-z' |
	    grep -v '^date$\|^retry-after$\|^content-length$\|^etag$\|^last-modified$' |
	    sort | tr '\n' ' '
}

ok200='HTTP/1.1 200 OK'
no401='HTTP/1.1 401 Unauthorized'

# scenario NAME LOCKED LRETRY BROKEN BRETRY [ANON]: the lockout tests through
# the server on $port.  LOCKED is the status line the client sees for
# a lock, BROKEN for a credentialed request while the state database
# cannot be written or is missing; LRETRY and BRETRY their Retry-After
# (seen()'s RETRY).  $_r_restart names a function that restarts
# whatever runs portcullis.fcgi.  ANON: the status line of an
# anonymous request for /public/ (a rule for "all"), 200 by default.
scenario()
{
	_n=$1 _lk=$2 _r=$3 _br=$4 _brr=$5 _an=${6:-$ok200}
	lockout clear >/dev/null
	req "$work/a0" - /public/index.html
	seen "$_n: anonymous" "$work/a0" "$_an"
	for _i in 1 2 3; do
		req "$work/b$_i" "bob:wrong$_i" /docs/guide.txt
		seen "$_n: bob, wrong password $_i" "$work/b$_i" "$no401"
	done
	req "$work/b4" bob:wrong4 /docs/guide.txt
	seen "$_n: bob, 4th guess: locked" "$work/b4" "$_lk" "$_r"
	# The keys: the pair and the network (3 failures each; the
	# requests refused by the lock are not counted again).
	lockout list > "$work/list"
	req "$work/b5" bob:builder /docs/guide.txt
	seen "$_n: bob, right password while locked" "$work/b5" "$_lk" "$_r"
	if grep -qE '^127\.0\.0\.1/32 bob 3 [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$' \
	    "$work/list" &&
	    grep -qE '^127\.0\.0\.1/32 - 3 [0-9T:Z-]{20} -$' "$work/list"
	then
		ok "$_n: lockout list: the pair locked, the network counted"
	else
		fail "$_n: lockout list: $(tr '\n' '|' < "$work/list")"
	fi
	req "$work/a1" bob:wrong5 /public/index.html
	seen "$_n: anonymous rule, locked client with credentials" \
	    "$work/a1" "$ok200"
	# Another source address: another network, not locked.
	req "$work/o1" bob:builder /docs/guide.txt --interface 127.0.0.2
	seen "$_n: bob from 127.0.0.2" "$work/o1" "$ok200"
	# A name that looks like an address (for tests/fail2ban: the
	# line's client is 127.0.0.2 all the same).
	req "$work/o2" 'client=1.2.3.4:x' /docs/guide.txt --interface 127.0.0.2
	seen "$_n: user client=1.2.3.4 from 127.0.0.2" "$work/o2" "$no401"
	# An unknown name: the same answers, the same headers.
	for _i in 1 2 3; do
		req "$work/u$_i" "nobody:wrong$_i" /docs/guide.txt
		seen "$_n: nobody, guess $_i" "$work/u$_i" "$no401"
	done
	req "$work/u4" nobody:builder /docs/guide.txt
	seen "$_n: nobody, 4th guess: locked" "$work/u4" "$_lk" "$_r"
	check_eq "$_n: 401 headers, unknown = known" "$(hdrnames "$work/u1")" \
	    "$(hdrnames "$work/b1")"
	check_eq "$_n: lock headers, unknown = known" "$(hdrnames "$work/u4")" \
	    "$(hdrnames "$work/b4")"
	cmp -s "$work/u4.body" "$work/b4.body" &&
	    ok "$_n: lock body, unknown = known" ||
	    fail "$_n: lock bodies differ"
	# The lock expires: bob's had b5's Retry-After left at b5.
	sleep $(($(hval "$work/b5" Retry-After) + 1))
	req "$work/e1" bob:builder /docs/guide.txt
	seen "$_n: bob after the lock time" "$work/e1" "$ok200"
	if grep -q '^127\.0\.0\.1/32 bob ' "$work/list" &&
	    ! lockout list | grep -q '^127\.0\.0\.1/32 bob '; then
		ok "$_n: a success forgets the pair"
	else
		fail "$_n: bob's row after a success: $(lockout list |
		    tr '\n' '|')"
	fi
	# clear lifts a lock at once.
	for _i in 1 2 3; do
		req "$work/c$_i" "bob:again$_i" /docs/guide.txt
	done
	req "$work/c4" bob:builder /docs/guide.txt
	seen "$_n: locked again" "$work/c4" "$_lk" "$_r"
	check_eq "$_n: lockout clear bob" "$(lockout clear bob)" \
	    "lockout cleared: 1 entry"
	req "$work/c5" bob:builder /docs/guide.txt
	seen "$_n: bob after clear" "$work/c5" "$ok200"
	check_eq "$_n: lockout clear 127.0.0.1/32" \
	    "$(lockout clear 127.0.0.1/32)" "lockout cleared: 2 entries"

	# The state database cannot be written: an administrator holds
	# its write lock (BEGIN IMMEDIATE) for 3 seconds.
	{ echo 'BEGIN IMMEDIATE;'; echo "DELETE FROM failures WHERE user = 'x';"
	  sleep 3; echo 'COMMIT;'; } | "$SQLITE3" -batch "$state" &
	_hold=$!
	sleep 0.5
	req "$work/s1" bob:wrong /docs/guide.txt
	seen "$_n: state database busy, bob, wrong password" "$work/s1" \
	    "$_br" "$_brr"
	req "$work/s2" - /public/index.html
	seen "$_n: state database busy, anonymous" "$work/s2" "$_an"
	wait $_hold
	# Missing: portcullis.fcgi restarted without it.
	mv "$state" "$work/state.away"
	rm -f "$state-wal" "$state-shm"
	"$_r_restart" || return
	req "$work/m1" bob:builder /docs/guide.txt
	seen "$_n: no state database, bob" "$work/m1" "$_br" "$_brr"
	req "$work/m2" - /public/index.html
	seen "$_n: no state database, anonymous" "$work/m2" "$_an"
	mv "$work/state.away" "$state"
	"$_r_restart" || return
	req "$work/m3" bob:builder /docs/guide.txt
	seen "$_n: state database back, bob" "$work/m3" "$ok200"
}

# --- nginx: auth_request -------------------------------------------
# fcgi_start [OPTIONS...]: portcullis.fcgi on $sock (one process, so
# that its CPU time is one PID's), stderr to $work/fcgi.err.
fpid=
fcgi_start()
{
	[ -n "$fpid" ] && stop_server "$fpid"
	rm -f "$sock"
	"$FCGI" -n 1 -d "$work/auth.db" -s "$sock" "$@" \
	    2>>"$work/fcgi.err" &
	fpid=$!
	started $fpid
	wait_socket "$sock" $fpid && return 0
	fail "portcullis.fcgi: $(tail -3 "$work/fcgi.err")"
	return 1
}
fcgi_restart()
{
	fcgi_start $fcgi_opts
}

# cpu PID: its user + system time so far, in clock ticks.
cpu()
{
	awk '{ print $14 + $15 }' "/proc/$1/stat"
}

if command -v nginx >/dev/null 2>&1; then
	fcgi_opts=
	fcgi_start &&
	start_nginx nginx-auth_request.conf nginx 18800 10 \
	    's|^\(\t*\)#   set_real_ip_from 192\.0\.2\.10;.*|\1set_real_ip_from 127.0.0.1;|' \
	    's|^\(\t*\)#   real_ip_header X-Forwarded-For;|\1real_ip_header X-Forwarded-For;|' &&
	_r_restart=fcgi_restart &&
	scenario nginx 'HTTP/1.1 429 Too Many Requests' r \
	    'HTTP/1.1 503 Service Temporarily Unavailable' 1 &&
	{
		# What a locked client costs: N requests with a wrong
		# password (lockout off: each one a full verification),
		# then N while locked, N anonymous for scale
		# (LOCKOUT_COST_N, 20 by default).
		_cn=${LOCKOUT_COST_N:-20}
		lockout clear >/dev/null
		lset lockout_attempts 0
		lset lockout_network_attempts 0
		_c0=$(cpu $fpid) _t0=$(date +%s%N)
		_i=0
		while [ $_i -lt $_cn ]; do
			curl -s -o /dev/null -u bob:wrong --max-time 10 \
			    "http://127.0.0.1:$port/docs/guide.txt"
			_i=$((_i + 1))
		done
		_c1=$(cpu $fpid) _t1=$(date +%s%N)
		lset lockout_attempts 3
		lset lockout_network_attempts 1000
		for _i in 1 2 3; do
			req "$work/k$_i" bob:wrong /docs/guide.txt
		done
		_c1=$(cpu $fpid) _t1=$(date +%s%N)
		_i=0
		while [ $_i -lt $_cn ]; do
			curl -s -o /dev/null -u bob:wrong --max-time 10 \
			    "http://127.0.0.1:$port/docs/guide.txt"
			_i=$((_i + 1))
		done
		_c2=$(cpu $fpid) _t2=$(date +%s%N)
		req "$work/k4" bob:wrong /docs/guide.txt
		seen "nginx: still locked after $_cn more" "$work/k4" \
		    'HTTP/1.1 429 Too Many Requests' r
		_i=0
		while [ $_i -lt $_cn ]; do
			curl -s -o /dev/null --max-time 10 \
			    "http://127.0.0.1:$port/public/index.html"
			_i=$((_i + 1))
		done
		_c3=$(cpu $fpid) _t3=$(date +%s%N)
		echo "# nginx, portcullis.fcgi CPU ($(getconf CLK_TCK)" \
		    "ticks/s) and wall time: $_cn wrong passwords" \
		    "$((_c1 - _c0)) ticks, $(((_t1 - _t0) / 1000000)) ms;" \
		    "$_cn locked $((_c2 - _c1)) ticks," \
		    "$(((_t2 - _t1) / 1000000)) ms; $_cn anonymous" \
		    "$((_c3 - _c2)) ticks, $(((_t3 - _t2) / 1000000)) ms"
		if [ $((_c2 - _c1)) -lt $(((_c1 - _c0) / 2)) ]; then
			ok "nginx: a locked request costs less than half a verification"
		else
			fail "nginx: locked $((_c2 - _c1)) ticks, wrong passwords $((_c1 - _c0))"
		fi
		lockout clear >/dev/null
	}
	# The realip recipe (its lines uncommented in the test's copy,
	# 127.0.0.1 the trusted proxy): the client in X-Forwarded-For is
	# counted, by its IPv6 /64; from an untrusted 127.0.0.2 the
	# header is ignored.
	req "$work/x1" bob:wrong /docs/guide.txt \
	    -H 'X-Forwarded-For: 2001:db8:1:2::7'
	seen "nginx realip: bob from 2001:db8:1:2::7" "$work/x1" "$no401"
	req "$work/x2" bob:wrong /docs/guide.txt --interface 127.0.0.2 \
	    -H 'X-Forwarded-For: 2001:db8:1:2::8'
	seen "nginx realip: untrusted 127.0.0.2" "$work/x2" "$no401"
	check_eq "nginx realip: lockout list" \
	    "$(lockout list | awk '$2 == "bob" { print $1, $3 }' | tr '\n' ' ')" \
	    "127.0.0.2/32 1 2001:db8:1:2::/64 1 "
	lockout clear >/dev/null
	cp "$nginx_d/logs/portcullis-error.log" "$work/logs/nginx.log"
	[ -n "$fpid" ] && stop_server "$fpid"
	fpid=
else
	ok "# SKIP nginx: not installed"
fi

# --- lighttpd: authorizer and responder ----------------------------
# lighttpd spawns portcullis.fcgi itself ("bin-path", 2 processes):
# restarting it restarts them.
lighttpd_restart()
{
	stop_server "$lpid"
	start_lighttpd "$lex" "$lbase" 10
}
if command -v lighttpd >/dev/null 2>&1; then
	for lx in authorizer:18810 responder:18820; do
		lex=lighttpd-${lx%%:*}.conf lbase=${lx#*:}
		start_lighttpd "$lex" "$lbase" 10 || continue
		ok "lighttpd ${lx%%:*}: on 127.0.0.1:$port"
		_r_restart=lighttpd_restart
		scenario "lighttpd ${lx%%:*}" 'HTTP/1.1 429 Too Many Requests' r \
		    'HTTP/1.1 503 Service Unavailable' 1
		stop_server "$lpid"
		cp "$work/error.log" "$work/logs/lighttpd-${lx%%:*}.log"
		rm -f "$work/error.log"
	done
else
	ok "# SKIP lighttpd: not installed"
fi

# --- Apache: mod_authnz_fcgi ---------------------------------------
# Portcullis on TCP (Apache does not start it) logs to syslog there by
# default; -l fcgi sends its lines back on FCGI_STDERR, which
# mod_authnz_fcgi writes to Apache's error log (for tests/fail2ban.sh).
command -v apache2 >/dev/null 2>&1 || PATH=$PATH:/usr/sbin
apache_prep()
{
	fport=$((port + 5))
	_ug='/^User /d;/^Group /d'
	[ "$(id -u)" = 0 ] && _ug='s|^User .*|User www-data|;s|^Group .*|Group www-data|'
	mkdir -p "$work/apache" "$work/arun" "$work/alog"
	sed -e "s|^ServerRoot .*|ServerRoot \"$work/apache\"|" -e "$_ug" \
	    -e "s|127\.0\.0\.1:8080|127.0.0.1:$port|" \
	    -e "s|fcgi://127\.0\.0\.1:9000/|fcgi://127.0.0.1:$fport/|" \
	    -e "s|/run/apache2|$work/arun|g" \
	    -e "s|/var/log/apache2|$work/alog|g" \
	    -e "s|/srv/www|$work/www|g" \
	    "$top_srcdir/examples/apache-authnz-fcgi.conf" > "$work/apache.conf"
	srv_url=http://127.0.0.1:$port/public/index.html
	srv_logs=$work/alog/portcullis-error.log
	apache2 -t -f "$work/apache.conf" $adefs >"$work/apache-t.log" 2>&1 ||
	    { fail "apache2 -t: $(cat "$work/apache-t.log")"; return 1; }
	apache_fcgi || return 1
	srv_also=$fpid
}
apache_fcgi()
{
	[ -n "$fpid" ] && stop_server "$fpid"
	"$FCGI" -n 1 -l fcgi -d "$work/auth.db" -s "127.0.0.1:$fport" \
	    2>>"$work/fcgi.err" &
	fpid=$!
	started $fpid
	sleep 0.2
	kill -0 $fpid 2>/dev/null ||
	    { fail "portcullis.fcgi on :$fport: $(tail -2 "$work/fcgi.err")"
	      fpid=; return 1; }
}
if command -v apache2 >/dev/null 2>&1 &&
    [ -f /usr/lib/apache2/modules/mod_authnz_fcgi.so ]; then
	[ "$(id -u)" = 0 ] && chmod 0755 "$work"
	for av in cuid: basic:-DPortcullisBasic; do
		adefs=${av#*:}
		start_server "apache ${av%%:*}" 18830 5 "$work/apache.err" \
		    apache_prep apache2 -f "$work/apache.conf" -DFOREGROUND \
		    $adefs || continue
		apid=$srv_pid
		ok "apache ${av%%:*}: on 127.0.0.1:$port, Portcullis :$fport"
		_r_restart=apache_fcgi
		case $av in
		cuid:*)	scenario "apache ${av%%:*}" \
			    'HTTP/1.1 429 Too Many Requests' r \
			    'HTTP/1.1 503 Service Unavailable' 1 ;;
		# AuthBasicProvider: Apache turns every denial into its
		# own 401 (the lock and the broken state database too),
		# though Portcullis's Retry-After reaches the client on
		# it; and it asks for credentials before Portcullis sees
		# an anonymous request.
		*)	scenario "apache ${av%%:*}" \
			    'HTTP/1.1 401 Unauthorized' r \
			    'HTTP/1.1 401 Unauthorized' 1 \
			    'HTTP/1.1 401 Unauthorized' ;;
		esac
		stop_server "$apid"
		stop_server "$fpid"
		fpid=
	done
	cp "$work/alog/portcullis-error.log" "$work/logs/apache.log"
else
	ok "# SKIP Apache: apache2 or mod_authnz_fcgi not installed"
fi

# --- Caddy: forward_auth -------------------------------------------
# Caddy 2.6.2 drops FastCGI stderr: portcullis.fcgi -l stderr.
if command -v caddy >/dev/null 2>&1; then
	fcgi_opts="-l stderr"
	_r_restart=fcgi_restart
	: > "$work/fcgi.err"
	fcgi_start $fcgi_opts &&
	start_caddy "$top_srcdir/examples/Caddyfile" caddy 18840 &&
	scenario caddy 'HTTP/1.1 429 Too Many Requests' r \
	    'HTTP/1.1 503 Service Unavailable' 1
	# syslog_write()'s line (main.c) as the journal or auth.log
	# shows it: the prefix syslog(3) adds instead of "portcullis: ".
	sed -e 's/^portcullis: /Dec  2 09:09:34 host portcullis[4242]: /' \
	    "$work/fcgi.err" > "$work/logs/syslog.log"
else
	ok "# SKIP caddy: not installed"
fi

# --- fail2ban ------------------------------------------------------
# f2b LOG MODE: fail2ban-regex with the shipped filter on a log of this
# run: as many matches as "auth failure" lines, and the addresses
# those lines name, never one from a user name.
f2b()
{
	_lf=$work/logs/$1
	[ -s "$_lf" ] || { ok "# SKIP fail2ban $2: no $1"; return; }
	fail2ban-regex -o ip "$_lf" "$work/f2b/filter.d/portcullis.conf[mode=$2]" \
	    > "$work/f2b.out" 2>&1
	_want=$(grep -c 'portcullis\(\[[0-9]*\]\)\{0,1\}: auth failure: client=' "$_lf")
	_got=$(grep -c . "$work/f2b.out")
	check_eq "fail2ban $2: matches ($1)" "$_got" "$_want"
	check_eq "fail2ban $2: addresses" \
	    "$(sort -u "$work/f2b.out" | tr '\n' ' ')" \
	    "$(sed -n 's/.*portcullis[][0-9]*: auth failure: client=\([^ ]*\) .*/\1/p' \
		"$_lf" | sort -u | tr '\n' ' ')"
	grep -q '1\.2\.3\.4' "$work/f2b.out" &&
	    fail "fail2ban $2: an address from a user name"
	echo "# fail2ban $2: $1: $(wc -l < "$_lf") lines, $_got matched," \
	    "addresses $(sort -u "$work/f2b.out" | tr '\n' ' ')"
}
if command -v fail2ban-regex >/dev/null 2>&1 &&
    [ -f /etc/fail2ban/filter.d/common.conf ]; then
	mkdir -p "$work/f2b/filter.d"
	cp /etc/fail2ban/filter.d/common.conf \
	    "$top_srcdir/examples/fail2ban/filter.d/portcullis.conf" \
	    "$work/f2b/filter.d/"
	f2b nginx.log nginx
	f2b lighttpd-authorizer.log lighttpd
	f2b lighttpd-responder.log lighttpd
	f2b apache.log apache
	f2b syslog.log syslog
	# Another mode's lines are not this mode's.
	fail2ban-regex -o ip "$work/logs/nginx.log" \
	    "$work/f2b/filter.d/portcullis.conf[mode=syslog]" > "$work/f2b.out" 2>&1
	check_eq "fail2ban syslog: nothing in nginx's log" \
	    "$(grep -c . "$work/f2b.out")" 0
else
	[ -n "${CI:-}" ] && fail "fail2ban-regex is not installed (CI must have it)"
	ok "# SKIP fail2ban: fail2ban-regex is not installed"
fi

sanitizer_free "" "$work/fcgi.err" "$work"/*/logs/*.log
finish lockout
