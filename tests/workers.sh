#!/bin/sh
# workers.sh: portcullis.fcgi -n, the supervisor of worker processes
# (src/prefork.c).  On a Unix socket of its own: -n 3 makes 3
# children that answer the decisions table; a worker killed with
# SIGKILL is replaced while the others answer; SIGTERM stops them all
# after the request in flight and the supervisor exits 0.  A request
# whose user has a costly hash (bcrypt cost 12) does not hold up a
# public request meanwhile, asserted by order: the public answer
# arrives while the slow request's client still waits (and, with -n 1,
# the log shows the second request decided only after the first).
# The defaults: "auto" (the CPUs, at least 2) with -s, one process on
# a socket handed on fd 0 unless -n or PORTCULLIS_WORKERS says.  Over
# TCP the workers still log to syslog, not FCGI_STDERR.  Where -n
# cannot apply (CGI) it is refused or ignored, as documented.
. "${top_srcdir:-.}/tests/lib.sh"

command -v cgi-fcgi >/dev/null 2>&1 ||
    skip_or_fail "cgi-fcgi (libfcgi-bin) is not installed"
command -v ss >/dev/null 2>&1 ||
    skip_or_fail "ss (iproute2) is not installed"
[ -d /proc/self ] || skip_or_fail "no /proc: children cannot be counted"
demo_setup "$work" || { fail "demo database"; finish workers; }

# children PID: the live (not zombie) children of PID, one a line.
children()
{
	sed -n 's/^\([0-9]*\) (.*) \([A-Za-z]\) \([0-9]*\) .*/\1 \2 \3/p' \
	    /proc/[0-9]*/stat 2>/dev/null |
	    awk -v p="$1" '$3 == p && $2 != "Z" { print $1 }' | sort -n
}

# nchildren PID
nchildren()
{
	children "$1" | wc -l | tr -d ' '
}

# wait_children PID N: bounded (5 s) wait until PID has N children.
wait_children()
{
	_i=0
	while [ "$(nchildren "$1")" != "$2" ] && [ $_i -lt 100 ]; do
		sleep 0.05
		_i=$((_i + 1))
	done
	[ "$(nchildren "$1")" = "$2" ]
}

# accepted SOCK: the number of connections a worker has accepted on
# the Unix socket SOCK and not yet closed (ss lists the server side
# of a connection only once accept(2) returned it).
accepted()
{
	ss -xaH | awk -v s="$1" '$2 == "ESTAB" && $5 == s' | wc -l |
	    tr -d ' '
}

# wait_accepted SOCK PID: bounded wait until a worker holds a
# connection on SOCK, while the client PID still waits.
wait_accepted()
{
	_i=0
	while [ "$(accepted "$1")" = 0 ] && kill -0 "$2" 2>/dev/null &&
	    [ $_i -lt 200 ]; do
		sleep 0.02
		_i=$((_i + 1))
	done
	[ "$(accepted "$1")" != 0 ]
}

# send SOCK METHOD TARGET USER PASS OUT [ADDR]: one request by
# cgi-fcgi; FCGI_STDERR goes to OUT.err.
send()
{
	_auth=
	[ "$4" != - ] && _auth="HTTP_AUTHORIZATION=Basic $(b64 "$4:$5")"
	env -i REQUEST_METHOD="$2" REQUEST_URI="$3" HTTP_HOST=127.0.0.1 \
	    REMOTE_ADDR="${7:-127.0.0.1}" ${_auth:+"$_auth"} \
	    timeout 20 cgi-fcgi -bind -connect "$1" </dev/null >"$6" \
	    2>"$6.err"
	split_response "$6"
}

# status SOCK WHAT WANT METHOD TARGET USER PASS
status()
{
	_s=$1 _w=$2 _x=$3
	shift 3
	_o=$work/st.$((npass + nfail))
	send "$_s" "$@" "$_o"
	check_eq "$_w" "$(cat "$_o.status")" "$_x"
}

# no_sanitizer FILE...
no_sanitizer()
{
	if grep -q 'AddressSanitizer\|runtime error\|LeakSanitizer' "$@"
	then
		fail "sanitizer report: $(grep -h -A3 'Sanitizer\|runtime error' "$@" | head -8)"
	else
		ok "no sanitizer report"
	fi
}

# start_fcgi NAME ARGS...: portcullis.fcgi ARGS on $work/NAME.sock,
# stderr in $work/NAME.err; sets $fpid and $sock.
start_fcgi()
{
	sock=$work/$1.sock
	_e=$work/$1.err
	shift
	PORTCULLIS_DB="$work/auth.db" PORTCULLIS_ROOT="$work/www" \
	    "$FCGI" "$@" -s "$sock" </dev/null 2>"$_e" &
	fpid=$!
	started $fpid
	wait_socket "$sock" $fpid || fail "no socket: $(cat "$_e")"
}

# stop_fcgi WHAT: SIGTERM, then the exit status must be 0.
stop_fcgi()
{
	stop_server $fpid
	check_eq "$1: exit status after SIGTERM" $? 0
}

# --- -n 3: three workers answer the decisions table -------------------------
start_fcgi n3 -n 3
wait_children $fpid 3 && ok "-n 3: three workers" ||
    fail "-n 3: $(nchildren $fpid) children"
first=$(children $fpid | tr '\n' ' ')

send_table3()
{
	send "$sock" "$@"
}
run_table "$top_srcdir/tests/decisions.tab" send_table3

# Every worker opened the database itself, on its first request (none
# is open in the supervisor).
if ls -l "/proc/$fpid/fd" 2>/dev/null | grep -q 'auth\.db'; then
	fail "the supervisor holds the database open"
else
	ok "the supervisor never opened the database"
fi

# --- kill -9 of one worker: replaced, requests answered throughout ----------
victim=$(children $fpid | head -1)
kill -KILL "$victim"
status "$sock" "right after kill -9 of a worker: bob still served" 200 \
    GET /docs/guide.txt bob builder
status "$sock" "right after kill -9 of a worker: public still served" 200 \
    GET /public/index.html - -
i=0
while { [ "$(nchildren $fpid)" != 3 ] ||
    children $fpid | grep -qx "$victim"; } && [ $i -lt 100 ]; do
	sleep 0.05
	i=$((i + 1))
done
check_eq "after kill -9: three workers again" "$(nchildren $fpid)" 3
if children $fpid | grep -qx "$victim"; then
	fail "the killed worker $victim is still counted"
else
	ok "the killed worker $victim was replaced"
fi
grep -q "^portcullis: worker $victim killed by signal 9" "$work/n3.err" &&
    ok "the supervisor logged the death" ||
    fail "no log line for $victim: $(cat "$work/n3.err")"
for i in 1 2 3 4 5 6; do
	status "$sock" "after the replacement: request $i" 200 \
	    GET /docs/guide.txt bob builder
done

# --- SIGTERM: all stop, the supervisor exits 0 -------------------------------
last=$(children $fpid | tr '\n' ' ')
stop_fcgi "-n 3"
gone=1
for p in $first $last; do
	kill -0 "$p" 2>/dev/null && gone=0
done
check_eq "after SIGTERM no worker is left" $gone 1
no_sanitizer "$work/n3.err"

# --- a slow hash does not stall the others ----------------------------------
# bob's hash becomes bcrypt at cost 12 (the costliest verified); his
# request with a wrong password pays it in full, cache or no cache.
if command -v mkpasswd >/dev/null 2>&1; then
	slowhash=$(printf 'builder\n' | mkpasswd -s -m bcrypt -R 12)
else
	slowhash=$(htpasswd -nbB -C 12 bob builder | cut -d: -f2)
fi
case $slowhash in
'$2'[aby]'$12$'*)	ok "a bcrypt cost 12 hash" ;;
*)			fail "no bcrypt hash: [$slowhash]" ;;
esac
"$SQLITE3" -batch "$work/auth.db" \
    "UPDATE users SET hash = '$slowhash' WHERE name = 'bob'"

# slow_then N: with -n N, bob's slow request in flight (accepted
# by a worker, its client waiting), then a request that needs no hash.
slow_then()
{
	start_fcgi "slow$1" -n "$1" -l stderr
	[ "$1" = 1 ] || wait_children $fpid "$1"
	_so=$work/slow$1.out
	send "$sock" GET /docs/guide.txt bob wrong "$_so" 127.0.0.2 &
	_sp=$!
	wait_accepted "$sock" $_sp && ok "-n $1: the slow request is accepted" ||
	    fail "-n $1: the slow request was never accepted"
	send "$sock" GET /public/index.html - - "$work/pub$1" 127.0.0.3
	if kill -0 $_sp 2>/dev/null && ! [ -s "$_so" ]; then
		_waiting=yes
	else
		_waiting=no
	fi
	send "$sock" GET /admin/ - - "$work/adm$1" 127.0.0.3
	wait $_sp
	check_eq "-n $1: the public request" "$(cat "$work/pub$1.status")" 200
	check_eq "-n $1: the slow request" "$(cat "$_so.status")" 401
	# The order the workers decided in, from their log.
	_order=$(sed -n -e 's/.*auth failure: client=127.0.0.2 .*/slow/p' \
	    -e 's/.*denied: client=127.0.0.3 .*/public/p' \
	    "$work/slow$1.err" | tr '\n' ' ')
	stop_fcgi "-n $1 (slow hash)"
	no_sanitizer "$work/slow$1.err"
}

slow_then 3
check_eq "-n 3: the public answer came while the slow client waited" \
    "$_waiting" yes
# The control: one process decides in arrival order, so the test above
# would see a stall.
slow_then 1
check_eq "-n 1: the public request waited for the slow hash" \
    "$_order" "slow public "

# --- SIGTERM with a request in flight: it is answered first ----------------
start_fcgi term -n 2
wait_children $fpid 2 || fail "-n 2: $(nchildren $fpid) children"
send "$sock" GET /docs/guide.txt bob wrong "$work/term.out" &
sp=$!
wait_accepted "$sock" $sp || fail "SIGTERM: the slow request was not accepted"
kids=$(children $fpid | tr '\n' ' ')
kill -TERM $fpid
wait $sp
check_eq "SIGTERM during a request: it is still answered" \
    "$(cat "$work/term.out.status")" 401
wait $fpid
check_eq "SIGTERM during a request: exit status" $? 0
pids=$(echo $pids | tr ' ' '\n' | grep -vx "$fpid" | tr '\n' ' ')
gone=1
for p in $kids; do
	kill -0 "$p" 2>/dev/null && gone=0
done
check_eq "SIGTERM during a request: no worker left" $gone 1
printf 'builder\n' | "$ADMIN" -d "$work/auth.db" user passwd bob >/dev/null ||
    fail "bob's default hash back"

# --- defaults -----------------------------------------------------------------
ncpu=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)
[ "$ncpu" -lt 2 ] && ncpu=2
start_fcgi auto
wait_children $fpid "$ncpu"
check_eq "-s without -n: auto, the CPUs (at least 2)" "$(nchildren $fpid)" \
    "$ncpu"
status "$sock" "auto: answered" 200 GET /public/index.html - -
stop_fcgi "auto"

start_fcgi one -n 1
status "$sock" "-n 1: answered" 200 GET /public/index.html - -
check_eq "-n 1: one process, no supervisor" "$(nchildren $fpid)" 0
stop_fcgi "-n 1"

# A socket handed on fd 0 (systemd's StandardInput=socket, played by
# systemd-socket-activate --inetd): one process unless told.
if command -v systemd-socket-activate >/dev/null 2>&1; then
	# fd0 NAME [-E VAR=VALUE...]: sets $fpid and $sock.
	fd0()
	{
		sock=$work/$1.sock
		_e=$work/$1.err
		shift
		systemd-socket-activate --inetd -l "$sock" \
		    -E PORTCULLIS_DB="$work/auth.db" \
		    -E PORTCULLIS_ROOT="$work/www" \
		    -E ASAN_OPTIONS="$ASAN_OPTIONS" "$@" \
		    "$FCGI" </dev/null >/dev/null 2>"$_e" &
		fpid=$!
		started $fpid
		wait_socket "$sock" $fpid || fail "no socket: $(cat "$_e")"
	}
	fd0 fd0
	status "$sock" "fd 0: answered" 200 GET /public/index.html - -
	check_eq "fd 0 without -n: one process (a spawner's default)" \
	    "$(nchildren $fpid)" 0
	stop_fcgi "fd 0, one process"
	fd0 fd0w -E PORTCULLIS_WORKERS=3
	status "$sock" "fd 0, PORTCULLIS_WORKERS=3: answered" 200 \
	    GET /public/index.html - -
	wait_children $fpid 3
	check_eq "fd 0, PORTCULLIS_WORKERS=3: three workers" \
	    "$(nchildren $fpid)" 3
	stop_fcgi "fd 0, PORTCULLIS_WORKERS=3"
	no_sanitizer "$work/fd0.err" "$work/fd0w.err"
else
	skip_or_fail "systemd-socket-activate (systemd) is not installed"
fi

# --- TCP: the workers log to syslog, never to FCGI_STDERR -----------------
try=0
while :; do
	port=$((18700 + ($$ + try) % 100))	# ranges: tests/lib.sh
	PORTCULLIS_DB="$work/auth.db" "$FCGI" -n 2 -s "127.0.0.1:$port" \
	    </dev/null 2>"$work/tcp.err" &
	fpid=$!
	started $fpid
	i=0
	while [ $i -lt 100 ] && kill -0 $fpid 2>/dev/null &&
	    [ -z "$(ss -ltnH "sport = :$port")" ]; do
		sleep 0.05
		i=$((i + 1))
	done
	kill -0 $fpid 2>/dev/null && break
	try=$((try + 1))
	[ $try -lt 5 ] || { fail "no free port: $(cat "$work/tcp.err")"
			    finish workers; }
done
wait_children $fpid 2
check_eq "TCP -n 2: two workers" "$(nchildren $fpid)" 2
send "127.0.0.1:$port" GET /docs/guide.txt bob nope "$work/tcp1" 127.0.0.9
check_eq "TCP: bad password answered" "$(cat "$work/tcp1.status")" 401
check_eq "TCP: nothing on FCGI_STDERR (syslog)" "$(cat "$work/tcp1.err")" ""
stop_fcgi "TCP -n 2"
if grep -q 'auth failure' "$work/tcp.err"; then
	fail "TCP: the failure line went to stderr, not syslog"
else
	ok "TCP: the failure line is not on stderr either"
fi

# --- where -n does not apply ----------------------------------------------------
"$FCGI" -n 3 </dev/null >"$work/cgi1.out" 2>"$work/cgi1.err"
check_eq "-n without a listening socket: exit status" $? 1
grep -q -- "-n 3: no listening socket" "$work/cgi1.err" &&
    ok "-n without a listening socket: says why" ||
    fail "-n without a listening socket: [$(cat "$work/cgi1.err")]"
check_eq "-n without a listening socket: no answer" \
    "$(cat "$work/cgi1.out")" ""
for bad in 0 257 -1 x 2x ""; do
	"$FCGI" -n "$bad" -s "$work/bad.sock" </dev/null >/dev/null 2>&1
	check_eq "-n '$bad': usage" $? 2
done
PORTCULLIS_WORKERS=lots "$FCGI" -s "$work/bad.sock" </dev/null \
    >/dev/null 2>"$work/env.err"
check_eq "PORTCULLIS_WORKERS=lots: exit status" $? 1
# A CGI request: argv is the client's (ignored, as before) and
# PORTCULLIS_WORKERS is the server's environment: one request, answered.
env -i GATEWAY_INTERFACE=CGI/1.1 REQUEST_METHOD=GET \
    REQUEST_URI=/public/index.html HTTP_HOST=127.0.0.1 \
    REMOTE_ADDR=127.0.0.1 PORTCULLIS_DB="$work/auth.db" \
    PORTCULLIS_ROOT="$work/www" PORTCULLIS_WORKERS=4 \
    ASAN_OPTIONS="$ASAN_OPTIONS" \
    "$FCGI" -n 4 </dev/null >"$work/cgi2" 2>"$work/cgi2.err"
check_eq "CGI with -n 4 and PORTCULLIS_WORKERS=4: exit status" $? 0
split_response "$work/cgi2"
check_eq "CGI with -n 4 and PORTCULLIS_WORKERS=4: answered" \
    "$(cat "$work/cgi2.status")" 200
cmp -s "$work/cgi2.body" "$work/www/public/index.html" &&
    ok "CGI: the file" || fail "CGI: body [$(cat "$work/cgi2.body")]"

finish workers
