# lib.sh: shared by the shell tests.  Source it; it sets up:
#   $top_builddir, $top_srcdir   (make check exports them; else ".")
#   $FCGI, $ADMIN                the built programs
#   $work                        a fresh mktemp -d directory, removed on exit
#   ok/fail/check_eq/finish      TAP-like lines and a closing count
# Programs started in the background are registered with `started PID`
# and only those PIDs are stopped on exit.

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

# send_table METHOD TARGET USER PASS OUT: run_table's SEND, by curl.
send_table()
{
	send_curl "$1" "$2" "$3" "$4" - "$5"
}

# start_lighttpd EXAMPLE BASE SPAN OFFSET: run examples/EXAMPLE (a
# lighttpd config) with its paths under $work and a port in
# BASE..BASE+SPAN-1 (from OFFSET on), tried until lighttpd can bind
# one; sets $port and $lpid.  Returns 1, having said why, if it could
# not start.
start_lighttpd()
{
	_try=0
	mkdir -p "$work/empty" "$work/run"
	while :; do
		port=$(($2 + ($$ + $4 + _try) % $3))
		sed -e "s|^server.port .*|server.port = $port|" \
		    -e '/^server.username/d' -e '/^server.groupname/d' \
		    -e "s|/var/www/empty|$work/empty|" \
		    -e "s|/var/log/lighttpd/portcullis-error.log|$work/error.log|" \
		    -e "s|/var/log/lighttpd/portcullis-access.log|$work/access.log|" \
		    -e "s|/run/lighttpd-portcullis.pid|$work/run/lighttpd.pid|" \
		    -e "s|/usr/lib/cgi-bin/portcullis.fcgi|$FCGI|" \
		    -e "s|/run/lighttpd/portcullis[a-z-]*.sock|$work/run/portcullis.sock|" \
		    -e "s|/var/lib/portcullis/auth.db|$work/auth.db|" \
		    -e "s|/srv/www|$work/www|g" \
		    "$top_srcdir/examples/$1" > "$work/lighttpd.conf"
		lighttpd -tt -f "$work/lighttpd.conf" >"$work/conftest.log" \
		    2>&1 || { fail "config test: $(cat "$work/conftest.log")"
			      return 1; }
		lighttpd -D -f "$work/lighttpd.conf" 2>"$work/lighttpd.err" &
		lpid=$!
		_i=0
		while [ $_i -lt 100 ] && kill -0 $lpid 2>/dev/null &&
		    ! curl -s -o /dev/null --max-time 1 \
		    "http://127.0.0.1:$port/"; do
			sleep 0.05
			_i=$((_i + 1))
		done
		if kill -0 $lpid 2>/dev/null; then
			started $lpid
			return 0
		fi
		_try=$((_try + 1))
		[ $_try -lt 5 ] || { fail "lighttpd did not start: $(cat \
		    "$work/lighttpd.err")"; return 1; }
	done
}

# start_nginx EXAMPLE NAME BASE SPAN [SED-EXPR...]: run examples/EXAMPLE
# with its paths under $work/NAME (pid file, logs, temporary and cache
# directories), the Portcullis socket $sock and the document root
# $work/www, on a port in BASE..BASE+SPAN-1, tried until nginx can bind
# one; sets $port.  SED-EXPR: more edits for the test's copy only.
# nginx writes its pid file once it holds its sockets: that and an
# answer on the port mean this nginx is up (not another one that holds
# the port).  Returns 1, having said why, if it could not start.
start_nginx()
{
	_ex=$1 _nm=$2 _base=$3 _span=$4
	_d=$work/$_nm
	shift 4
	_n=$#
	while [ "$_n" -gt 0 ]; do
		set -- "$@" -e "$1"
		shift
		_n=$((_n - 1))
	done
	mkdir -p "$_d/logs" "$_d/tmp"
	_try=0
	while :; do
		port=$((_base + ($$ + _try) % _span))
		rm -f "$_d/nginx.pid"
		sed -e "s|listen 127\.0\.0\.1:8080;|listen 127.0.0.1:$port;|" \
		    -e "s|^user .*|user $(id -un) $(id -gn);|" \
		    -e "s|/run/nginx-portcullis\.pid|$_d/nginx.pid|" \
		    -e "s|/run/nginx-portcullis-cache|$_d/cache|" \
		    -e "s|/var/log/nginx/|$_d/logs/|" \
		    -e "s|/var/lib/nginx/|$_d/tmp/|" \
		    -e "s|/run/portcullis/portcullis\.sock|$sock|" \
		    -e "s|/srv/www|$work/www|" \
		    "$@" "$top_srcdir/examples/$_ex" > "$_d/nginx.conf"
		nginx -t -q -p "$_d/" -c "$_d/nginx.conf" \
		    >"$_d/conftest.log" 2>&1 ||
		    { fail "$_nm: nginx -t: $(cat "$_d/conftest.log")"; return 1; }
		nginx -p "$_d/" -c "$_d/nginx.conf" -g 'daemon off;' \
		    2>"$_d/nginx.err" &
		_pid=$!
		_i=0
		while [ $_i -lt 100 ] && kill -0 $_pid 2>/dev/null &&
		    { [ ! -s "$_d/nginx.pid" ] || ! curl -s -o /dev/null \
		    --max-time 1 "http://127.0.0.1:$port/"; }; do
			sleep 0.05
			_i=$((_i + 1))
		done
		if kill -0 $_pid 2>/dev/null && [ -s "$_d/nginx.pid" ]; then
			started $_pid
			ok "$_nm: nginx on 127.0.0.1:$port"
			return 0
		fi
		kill $_pid 2>/dev/null
		wait $_pid 2>/dev/null
		_try=$((_try + 1))
		[ $_try -lt 5 ] || { fail "$_nm: nginx did not start: $(cat \
		    "$_d/nginx.err" "$_d/logs/portcullis-error.log" 2>/dev/null)"
		    return 1; }
	done
}
