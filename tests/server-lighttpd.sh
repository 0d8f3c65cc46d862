#!/bin/sh
# server-lighttpd.sh: examples/lighttpd-responder.conf run by a real
# lighttpd on 127.0.0.1, with the shared request table sent by curl.
. "${top_srcdir:-.}/tests/lib.sh"

command -v lighttpd >/dev/null 2>&1 || PATH=$PATH:/usr/sbin
command -v lighttpd >/dev/null 2>&1 ||
    skip_or_fail "lighttpd is not installed"
command -v curl >/dev/null 2>&1 || skip_or_fail "curl is not installed"
demo_setup "$work" || { fail "demo database"; finish lighttpd; }

# A port of our own in 18000-18099, tried until lighttpd can bind it.
conf=$work/lighttpd.conf
mkdir -p "$work/empty" "$work/run"
try=0
while :; do
	port=$((18000 + ($$ + try) % 100))
	sed -e "s|^server.port .*|server.port = $port|" \
	    -e '/^server.username/d' -e '/^server.groupname/d' \
	    -e "s|/var/www/empty|$work/empty|" \
	    -e "s|/var/log/lighttpd/portcullis-error.log|$work/error.log|" \
	    -e "s|/run/lighttpd-portcullis.pid|$work/run/lighttpd.pid|" \
	    -e "s|/usr/lib/cgi-bin/portcullis.fcgi|$FCGI|" \
	    -e "s|/run/lighttpd/portcullis.sock|$work/run/portcullis.sock|" \
	    -e "s|/var/lib/portcullis/auth.db|$work/auth.db|" \
	    -e "s|/srv/www|$work/www|" \
	    "$top_srcdir/examples/lighttpd-responder.conf" > "$conf"
	lighttpd -tt -f "$conf" >"$work/conftest.log" 2>&1 ||
	    { fail "config test: $(cat "$work/conftest.log")"; finish lighttpd; }
	lighttpd -D -f "$conf" 2>"$work/lighttpd.err" &
	lpid=$!
	i=0
	while [ $i -lt 100 ] && kill -0 $lpid 2>/dev/null &&
	    ! curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$port/"; do
		sleep 0.05
		i=$((i + 1))
	done
	if kill -0 $lpid 2>/dev/null; then
		started $lpid
		break
	fi
	try=$((try + 1))
	[ $try -lt 5 ] || { fail "lighttpd did not start: $(cat "$work/lighttpd.err")"; finish lighttpd; }
done
ok "lighttpd on 127.0.0.1:$port"

send_curl()
{
	set -- "$@"
	_m=$1 _t=$2 _u=$3 _p=$4 _o=$5
	if [ "$_m" = HEAD ]; then
		set -- --head
	else
		set -- -X "$_m"
	fi
	[ "$_u" != - ] && set -- "$@" -u "$_u:$_p"
	case $_m in
	POST|PUT|PATCH)	set -- "$@" --data-binary '' ;;	# else 411
	esac
	curl -s -i --path-as-is --max-time 10 "$@" \
	    "http://127.0.0.1:$port$_t" >"$_o" 2>/dev/null
}

run_table "$top_srcdir/tests/decisions.tab" send_curl

# A change in the sqlite3 shell is honoured by the running processes:
# a resource left without rules supports no method (405, empty Allow),
# and without the resource no rule matches (403).
"$SQLITE3" -batch "$work/auth.db" \
    "DELETE FROM rules WHERE pattern = '/public/**'"
send_curl GET /public/index.html - - "$work/live1"
split_response "$work/live1"
check_eq "rules deleted in the shell" "$(cat "$work/live1.status")" 405
# lighttpd drops a header with an empty value: the client gets no
# Allow at all (CGI and FastCGI runs show "Allow: ").
check_eq "empty Allow dropped by lighttpd" \
    "$(grep -c '^Allow:' "$work/live1.hdr")" 0
"$SQLITE3" -batch "$work/auth.db" \
    "DELETE FROM resources WHERE pattern = '/public/**'"
send_curl GET /public/index.html - - "$work/live2"
split_response "$work/live2"
check_eq "resource deleted in the shell" "$(cat "$work/live2.status")" 403

kill $lpid
wait $lpid 2>/dev/null
pids=
if grep -q 'AddressSanitizer\|runtime error' "$work/error.log"; then
	fail "sanitizer report in the error log"
else
	ok "no sanitizer report in the error log"
fi
grep -q 'portcullis: auth failure: client=127.0.0.1 reason=bad-password user="bob"' \
    "$work/error.log" && ok "auth failure in lighttpd's error log" ||
    fail "no auth failure in the error log: $(tail -3 "$work/error.log")"

finish lighttpd
