#!/bin/sh
# systemd.sh: examples/portcullis.{socket,service} without systemd as
# PID 1.  systemd-socket-activate --inetd plays the socket unit: it
# binds the Unix socket, waits for the first connection and execs
# portcullis.fcgi (same PID) with the *listening* socket on fd 0, as
# StandardInput=socket with Accept=no does.  Requests go through
# libfcgi's cgi-fcgi.  Then the shipped unit files are checked with
# systemd-analyze verify (copies whose ExecStart is the built binary)
# and for the keys this set-up depends on.
. "${top_srcdir:-.}/tests/lib.sh"

command -v systemd-socket-activate >/dev/null 2>&1 ||
    skip_or_fail "systemd-socket-activate (systemd) is not installed"
command -v cgi-fcgi >/dev/null 2>&1 ||
    skip_or_fail "cgi-fcgi (libfcgi-bin) is not installed"
demo_setup "$work" || { fail "demo database"; finish systemd; }

unit_socket=$top_srcdir/examples/portcullis.socket
unit_service=$top_srcdir/examples/portcullis.service

# systemd-socket-activate passes on only TERM, PATH, USER and HOME: the
# service's Environment= lines become -E options.
sock=$work/portcullis.sock
systemd-socket-activate --inetd -l "$sock" \
    -E PORTCULLIS_DB="$work/auth.db" -E PORTCULLIS_ROOT="$work/www" \
    -E ASAN_OPTIONS="$ASAN_OPTIONS" \
    "$FCGI" </dev/null >"$work/activate.out" 2>"$work/activate.err" &
apid=$!
started $apid
wait_socket "$sock" $apid && ok "systemd-socket-activate listening on $sock" ||
    { fail "no socket: $(cat "$work/activate.err")"; finish systemd; }

# The first connection makes systemd-socket-activate exec the program.
send_fcgi GET /public/index.html - - "$work/r1"
check_eq "GET /public/index.html: status" "$(cat "$work/r1.status")" 200
cmp -s "$work/r1.body" "$work/www/public/index.html" &&
    ok "GET /public/index.html: body" ||
    fail "GET /public/index.html: body [$(cat "$work/r1.body")]"

# What the program got: fd 0 a socket, the one bound to $sock, and no
# LISTEN_FDS (that would mean fd 3, which libfcgi does not look at).
if [ -d "/proc/$apid" ]; then
	check_eq "the activated PID runs portcullis.fcgi" \
	    "$(readlink "/proc/$apid/exe")" "$(readlink -f "$FCGI")"
	fd0=$(readlink "/proc/$apid/fd/0")
	case $fd0 in
	socket:\[*\])	ok "fd 0 is a socket ($fd0)" ;;
	*)		fail "fd 0 is [$fd0], not a socket" ;;
	esac
	ino=${fd0#socket:[}
	ino=${ino%]}
	# /proc/net/unix: ... Flags(01 = __SO_ACCEPTCON, listening) ...
	# Inode Path
	check_eq "fd 0 is the listening socket at $sock" \
	    "$(awk -v i="$ino" -v p="$sock" \
	    '$7 == i && $8 == p { print $4 }' /proc/net/unix)" 00010000
	if tr '\0' '\n' <"/proc/$apid/environ" | grep -q '^LISTEN_FDS='; then
		fail "LISTEN_FDS passed: fd 3 convention, not fd 0"
	else
		ok "no LISTEN_FDS in the environment"
	fi
else
	ok "# SKIP no /proc: fd 0 not inspected"
fi

send_fcgi GET /docs/guide.txt - - "$work/r2"
check_eq "GET /docs/guide.txt without credentials: status" \
    "$(cat "$work/r2.status")" 401
check_eq "GET /docs/guide.txt without credentials: challenge" \
    "$(grep '^WWW-Authenticate:' "$work/r2.hdr")" \
    'WWW-Authenticate: Basic realm="Portcullis demo", charset="UTF-8"'

send_fcgi GET /docs/guide.txt bob builder "$work/r3"
check_eq "GET /docs/guide.txt as bob: status" "$(cat "$work/r3.status")" 200
cmp -s "$work/r3.body" "$work/www/docs/guide.txt" &&
    ok "GET /docs/guide.txt as bob: body" ||
    fail "GET /docs/guide.txt as bob: body [$(cat "$work/r3.body")]"

send_fcgi GET /admin/ bob builder "$work/r4"
check_eq "GET /admin/ as bob: status" "$(cat "$work/r4.status")" 403

send_fcgi GET /docs/guide.txt bob wrong "$work/r5"
check_eq "GET /docs/guide.txt, wrong password: status" \
    "$(cat "$work/r5.status")" 401

# Still one process for all requests: the PID systemd-socket-activate
# exec'd into serves them all (Accept=no).
kill -0 $apid 2>/dev/null && ok "one process served every request" ||
    fail "the program died: $(cat "$work/activate.err")"

# systemctl stop sends SIGTERM: libfcgi makes the accept loop end.
kill -TERM $apid
wait $apid
check_eq "exit status after SIGTERM" $? 0
pids=
if grep -q 'AddressSanitizer\|runtime error' "$work/activate.err"; then
	fail "sanitizer report: $(head -5 "$work/activate.err")"
else
	ok "no sanitizer report"
fi

# The shipped units.  systemd-analyze verify needs no running systemd;
# it insists that ExecStart names an executable, so the copies run the
# built binary.  Unknown keys are only warnings: any output fails.
vdir=$work/units
mkdir -p "$vdir"
cp "$unit_socket" "$vdir/portcullis.socket"
sed -e "s|^ExecStart=/usr/lib/cgi-bin/portcullis.fcgi|ExecStart=$(readlink -f "$FCGI")|" \
    "$unit_service" >"$vdir/portcullis.service"
grep -q "^ExecStart=$(readlink -f "$FCGI")\$" "$vdir/portcullis.service" &&
    ok "ExecStart rewritten in the copy" ||
    fail "ExecStart in the service is not /usr/lib/cgi-bin/portcullis.fcgi"
if command -v systemd-analyze >/dev/null 2>&1; then
	(cd "$vdir" && systemd-analyze verify --man=no \
	    ./portcullis.socket ./portcullis.service) >"$work/verify.log" 2>&1
	rc=$?
	if [ $rc -eq 0 ] && [ ! -s "$work/verify.log" ]; then
		ok "systemd-analyze verify: no complaints"
	else
		fail "systemd-analyze verify (exit $rc): $(cat "$work/verify.log")"
	fi
else
	ok "# SKIP systemd-analyze missing: only the keys are checked"
fi

# has_key FILE KEY=VALUE: the line is there, outside comments.
has_key()
{
	if grep -qxF -- "$2" "$1"; then
		ok "$(basename "$1"): $2"
	else
		fail "$(basename "$1"): no [$2]"
	fi
}
has_key "$unit_socket" "ListenStream=/run/portcullis/portcullis.sock"
has_key "$unit_socket" "Accept=no"
has_key "$unit_socket" "SocketMode=0660"
has_key "$unit_socket" "SocketGroup=www-data"
has_key "$unit_service" "StandardInput=socket"
# Without these two the logs go to the listening socket and are lost.
has_key "$unit_service" "StandardOutput=journal"
has_key "$unit_service" "StandardError=journal"
has_key "$unit_service" "Environment=PORTCULLIS_DB=/var/lib/portcullis/auth.db"
has_key "$unit_service" "ReadWritePaths=/var/lib/portcullis"

finish systemd
