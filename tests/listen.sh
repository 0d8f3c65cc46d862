#!/bin/sh
# listen.sh: portcullis.fcgi's own socket (-s) and pidfile (-p):
# --help and --version; a second instance on a socket (or pidfile) in
# use is refused and the first keeps answering; a stale socket is
# replaced, a regular file at the path refused and left intact; an
# in-use TCP port (127.0.0.1:18950) is named; SIGTERM to the
# supervisor and SIGINT to a single process remove socket and pidfile.
. "${top_srcdir:-.}/tests/lib.sh"

command -v cgi-fcgi >/dev/null 2>&1 ||
    skip_or_fail "cgi-fcgi (libfcgi-bin) is not installed"
demo_setup "$work" || { fail "demo database"; finish listen; }
export PORTCULLIS_DB="$work/auth.db" PORTCULLIS_ROOT="$work/www"
tcp=127.0.0.1:18950

# wait_pidfile FILE PID: until FILE holds PID (written after bind).
wait_pidfile()
{
	_i=0
	while [ $_i -lt 100 ] && [ "$(cat "$1" 2>/dev/null)" != "$2" ] &&
	    kill -0 "$2" 2>/dev/null; do
		sleep 0.05
		_i=$((_i + 1))
	done
}

# run_fcgi NAME ARGS...: run to completion; NAME.out, NAME.err, NAME.rc.
run_fcgi()
{
	_name=$1
	shift
	"$FCGI" "$@" </dev/null >"$work/$_name.out" 2>"$work/$_name.err"
	echo $? >"$work/$_name.rc"
}

# --version and --help on stdout, exit 0; -V is no option.
run_fcgi version --version
check_eq "--version: exit 0" "$(cat "$work/version.rc")" 0
check_eq "--version: stdout" "$(cat "$work/version.out")" \
    "portcullis.fcgi $(sed -n 's/^#define PACKAGE_VERSION "\(.*\)"$/\1/p' \
    "$top_builddir/config.h")"
check_eq "--version: stderr" "$(cat "$work/version.err")" ""
run_fcgi help --help
check_eq "--help: exit 0" "$(cat "$work/help.rc")" 0
check_eq "--help: usage on stdout" "$(head -1 "$work/help.out")" \
    "usage: portcullis.fcgi [-d database] [-l fcgi | stderr | syslog] [-n workers | auto] [-p pidfile] [-r root] [-S state] [-s address]"
check_eq "--help: stderr" "$(cat "$work/help.err")" ""
run_fcgi badopt -V
check_eq "-V: exit 2" "$(cat "$work/badopt.rc")" 2
check_eq "-V: nothing on stdout" "$(cat "$work/badopt.out")" ""
grep -q '^usage: portcullis.fcgi ' "$work/badopt.err" &&
    ok "-V: usage on stderr" || fail "-V: $(cat "$work/badopt.err")"

# The first instance: a supervisor and two workers; its pidfile.
sock=$work/p.sock
pidfile=$work/p.pid
"$FCGI" -n 2 -s "$sock" -p "$pidfile" </dev/null 2>"$work/first.err" &
first=$!
started $first
wait_socket "$sock" $first && ok "first instance listens" ||
    fail "first instance: no socket: $(cat "$work/first.err")"
wait_pidfile "$pidfile" $first
check_eq "pidfile: the supervisor's PID" "$(cat "$pidfile")" "$first"
check_eq "pidfile: mode" "$(stat -c %a "$pidfile")" 644
kill -0 "$(cat "$pidfile")" && ok "pidfile: kill -0 the PID" ||
    fail "pidfile: kill -0 $(cat "$pidfile")"
check_eq "pidfile: the PID has the 2 workers" \
    "$(ps -o pid= --ppid "$(cat "$pidfile")" | wc -l)" 2
ino=$(stat -c %i "$sock")

# A second instance on the same socket: refused, the socket untouched.
run_fcgi second -n 1 -s "$sock"
check_eq "second on the socket: exit 1" "$(cat "$work/second.rc")" 1
check_eq "second on the socket: message" "$(cat "$work/second.err")" \
    "portcullis.fcgi: $sock: another process is listening on this socket (stop it first, or choose another path)"
check_eq "second on the socket: same inode" "$(stat -c %i "$sock")" "$ino"
send_fcgi GET /docs/guide.txt bob builder "$work/r1"
check_eq "first still answers" "$(cat "$work/r1.status")" 200

# A second instance with the same pidfile: refused before its socket.
run_fcgi third -n 1 -s "$work/third.sock" -p "$pidfile"
check_eq "second on the pidfile: exit 1" "$(cat "$work/third.rc")" 1
check_eq "second on the pidfile: message" "$(cat "$work/third.err")" \
    "portcullis.fcgi: $pidfile: locked by a running portcullis.fcgi (PID $first)"
[ ! -e "$work/third.sock" ] && ok "second on the pidfile: no socket" ||
    fail "second on the pidfile made $work/third.sock"
check_eq "second on the pidfile: pidfile kept" "$(cat "$pidfile")" "$first"

# SIGTERM to the supervisor: exit 0, socket and pidfile removed.
kill -TERM $first
wait $first
check_eq "SIGTERM: exit 0" $? 0
unstarted $first
[ ! -e "$sock" ] && ok "SIGTERM: socket removed" || fail "socket left"
[ ! -e "$pidfile" ] && ok "SIGTERM: pidfile removed" || fail "pidfile left"

# A regular file at the path: refused and left intact.
echo keep >"$work/file.sock"
run_fcgi regular -n 1 -s "$work/file.sock"
check_eq "regular file: exit 1" "$(cat "$work/regular.rc")" 1
check_eq "regular file: message" "$(cat "$work/regular.err")" \
    "portcullis.fcgi: $work/file.sock: exists and is not a socket (left alone; remove it or choose another path)"
check_eq "regular file: intact" "$(cat "$work/file.sock")" keep

# A stale socket and pidfile (their process was killed): replaced.
"$FCGI" -n 1 -s "$sock" -p "$pidfile" </dev/null 2>"$work/killed.err" &
killed=$!
started $killed
wait_socket "$sock" $killed
wait_pidfile "$pidfile" $killed
kill -KILL $killed
wait $killed 2>/dev/null
unstarted $killed
[ -S "$sock" ] && [ -s "$pidfile" ] && ok "SIGKILL leaves a stale socket" ||
    fail "no stale socket or pidfile to test"
"$FCGI" -n 1 -s "$sock" -p "$pidfile" </dev/null 2>"$work/single.err" &
single=$!
started $single
wait_pidfile "$pidfile" $single
check_eq "stale: pidfile rewritten" "$(cat "$pidfile")" "$single"
send_fcgi GET /docs/guide.txt bob builder "$work/r2"
check_eq "stale socket replaced: answers" "$(cat "$work/r2.status")" 200
check_eq "stale socket replaced: mode" "$(stat -c %a "$sock")" 660

# SIGINT to a single process: exit 0, socket and pidfile removed.
kill -INT $single
wait $single
check_eq "SIGINT: exit 0" $? 0
unstarted $single
[ ! -e "$sock" ] && ok "SIGINT: socket removed" || fail "socket left"
[ ! -e "$pidfile" ] && ok "SIGINT: pidfile removed" || fail "pidfile left"
check_eq "SIGINT: nothing logged" "$(cat "$work/single.err")" ""

# TCP: an address in use is named, with its errno.
"$FCGI" -n 1 -l stderr -s $tcp </dev/null 2>"$work/tcp1.err" &
tcp1=$!
started $tcp1
_i=0
while [ $_i -lt 100 ] && kill -0 $tcp1 2>/dev/null &&
    ! env -i REQUEST_METHOD=GET REQUEST_URI=/status timeout 5 \
    cgi-fcgi -bind -connect $tcp </dev/null >/dev/null 2>&1; do
	sleep 0.05
	_i=$((_i + 1))
done
run_fcgi tcp2 -n 1 -l stderr -s $tcp
check_eq "TCP port in use: exit 1" "$(cat "$work/tcp2.rc")" 1
check_eq "TCP port in use: message" "$(cat "$work/tcp2.err")" \
    "portcullis.fcgi: $tcp: cannot listen: Address already in use (another process is listening on this port)"
stop_server $tcp1
run_fcgi anyaddr -n 1 -s :18951
check_eq "-s :PORT: exit 1" "$(cat "$work/anyaddr.rc")" 1
check_eq "-s :PORT: message" "$(cat "$work/anyaddr.err")" \
    "portcullis.fcgi: :18951: name the address to listen on, e.g. 127.0.0.1:18951"

finish listen
