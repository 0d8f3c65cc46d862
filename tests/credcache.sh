#!/bin/sh
# credcache.sh: the credential cache of a running FastCGI process
# (src/credcache.c), proved by its log lines.  One portcullis.fcgi -n 1
# on a Unix socket with PORTCULLIS_LOG_ALLOWED=1 and -l stderr, driven
# by libfcgi's cgi-fcgi as in fcgi.sh.  With a warm cache, every change
# an administrator makes applies on the very next request: passwd,
# disable, revoke, expiry, del; a wrong password never hits; another
# user never gets an entry; credential_cache_seconds 0 is always a
# miss; and the cold path hashes once per (user, password, hash).
# Then: nothing new in the log without PORTCULLIS_LOG_ALLOWED, CGI keeps
# nothing, and `init` migrates a version 4 database keeping its settings.
. "${top_srcdir:-.}/tests/lib.sh"

command -v cgi-fcgi >/dev/null 2>&1 ||
    skip_or_fail "cgi-fcgi (libfcgi-bin) is not installed"

db=$work/auth.db
adm() {
	"$ADMIN" -d "$db" "$@" >>"$work/admin.out" 2>&1 ||
	    fail "portcullis $*: $(tail -1 "$work/admin.out")"
}
"$ADMIN" -d "$db" init || { fail "init"; finish credcache; }
printf 'alice-pw\n' | adm user add alice
printf 'bob-pw\n' | adm user add bob
printf 'alice-pw\n' | adm user add carol	# alice's password, own hash
adm role add viewer
adm grant alice viewer
adm grant bob viewer
adm grant carol viewer
adm rule add '/docs/**' GET viewer
adm rule add '/pub/**' GET all
RULE=$("$SQLITE3" -batch "$db" "SELECT id FROM rules WHERE pattern = '/docs/**'")

start() {	# start LOG SOCK [ENV=VALUE...]: one process, logging to LOG
	_log=$1 _sock=$2
	shift 2
	env "$@" PORTCULLIS_DB="$db" "$FCGI" -n 1 -l stderr -s "$_sock" \
	    </dev/null 2>"$_log" &
	_pid=$!
	started $_pid
	wait_socket "$_sock" $_pid || fail "no socket $_sock"
}
sock=$work/cc.sock
start "$work/fcgi.err" "$sock" PORTCULLIS_LOG_ALLOWED=1
fpid=$_pid

# req USER PASS TARGET [SOCK]: one GET, as nginx auth_request asks;
# $status is its status and $line the log line it added ("" for
# none).  USER "-": anonymous.
n=0
req() {
	_a=
	[ "$1" != - ] && _a="HTTP_AUTHORIZATION=Basic $(b64 "$1:$2")"
	_before=$(wc -l <"$work/fcgi.err")
	n=$((n + 1))
	env -i REQUEST_METHOD=GET REQUEST_URI="$3" HTTP_HOST=127.0.0.1 \
	    REMOTE_ADDR=127.0.0.1 PORTCULLIS_MODE=auth_request ${_a:+"$_a"} \
	    timeout 10 cgi-fcgi -bind -connect "${4:-$sock}" </dev/null \
	    >"$work/r$n" 2>>"$work/cgi-fcgi.err"
	split_response "$work/r$n"
	status=$(cat "$work/r$n.status")
	line=$(sed -n "$((_before + 1)),\$p" "$work/fcgi.err")
}

# expect DESC USER PASS TARGET STATUS LINE: one request, exact results.
# LINE names the allowed line by its user and cache= ("alice hit"),
# or is the whole line of a refusal.
expect() {
	req "$2" "$3" "$4"
	check_eq "$1: status" "$status" "$5"
	case $6 in
	*' hit' | *' miss' | *' -')
		_w="portcullis: allowed: client=127.0.0.1 user=\"${6% *}\""
		_w="$_w cache=${6##* } method=\"GET\" uri=\"$4\""
		[ "$4" = /pub/x ] && _w="$_w rule=$(($RULE + 1))" ||
		    _w="$_w rule=$RULE"
		check_eq "$1: log" "$line" "$_w" ;;
	*)
		check_eq "$1: log" "$line" "$6" ;;
	esac
}
AUTHFAIL='portcullis: auth failure: client=127.0.0.1'
DENIED='portcullis: denied: client=127.0.0.1'

# --- a cold credential, then a warm one ---------------------------------
expect "first request" alice alice-pw /docs/a 200 "alice miss"
expect "second request" alice alice-pw /docs/a 200 "alice hit"
expect "another path, same credential" alice alice-pw /docs/b 200 \
    "alice hit"
expect "anonymous: no password, no cache" - - /pub/x 200 " -"

# --- a wrong password always pays, never hits ----------------------------
for i in 1 2 3; do
	expect "wrong password, try $i" alice wrong /docs/a 401 \
	    "$AUTHFAIL reason=bad-password user=\"alice\" method=\"GET\" uri=\"/docs/a\""
done
expect "alice's password for bob" bob alice-pw /docs/a 401 \
    "$AUTHFAIL reason=bad-password user=\"bob\" method=\"GET\" uri=\"/docs/a\""

# --- another user never gets alice's entry -------------------------------
expect "carol, alice's password: her own miss" carol alice-pw /docs/a 200 \
    "carol miss"
expect "carol again: her own hit" carol alice-pw /docs/a 200 "carol hit"
expect "bob: his own miss" bob bob-pw /docs/a 200 "bob miss"

# --- every change applies on the very next request -----------------------
adm revoke alice viewer
expect "revoke: 403 at once" alice alice-pw /docs/a 403 \
    "$DENIED status=403 reason=no-grant user=\"alice\" method=\"GET\" uri=\"/docs/a\""
adm grant alice viewer
expect "grant again: still cached" alice alice-pw /docs/a 200 "alice hit"

adm user disable alice
expect "disable: 401 at once" alice alice-pw /docs/a 401 \
    "$AUTHFAIL reason=disabled-user user=\"alice\" method=\"GET\" uri=\"/docs/a\""
adm user enable alice
expect "enable again" alice alice-pw /docs/a 200 "alice hit"

"$SQLITE3" -batch "$db" \
    "UPDATE users SET expires = '2000-01-01' WHERE name = 'alice'"
expect "expiry in the past: 401 at once" alice alice-pw /docs/a 401 \
    "$AUTHFAIL reason=expired-user user=\"alice\" method=\"GET\" uri=\"/docs/a\""
"$SQLITE3" -batch "$db" "UPDATE users SET expires = NULL WHERE name = 'alice'"
expect "no expiry again" alice alice-pw /docs/a 200 "alice hit"

printf 'alice-new\n' | adm user passwd alice
expect "passwd: the old password 401 at once" alice alice-pw /docs/a 401 \
    "$AUTHFAIL reason=bad-password user=\"alice\" method=\"GET\" uri=\"/docs/a\""
expect "passwd: the new one, a miss" alice alice-new /docs/a 200 \
    "alice miss"
expect "passwd: then a hit" alice alice-new /docs/a 200 "alice hit"

adm user del alice
expect "del: 401 at once" alice alice-new /docs/a 401 \
    "$AUTHFAIL reason=unknown-user user=\"alice\" method=\"GET\" uri=\"/docs/a\""
expect "carol still hits" carol alice-pw /docs/a 200 "carol hit"

# --- the cold path: one hash per (user, password, hash) per process ------
for i in 1 2 3 4 5 6 7 8 9 10; do
	req bob bob-pw /docs/a
	req carol alice-pw /docs/a
done
check_eq "bob: 1 miss in 11 allowed requests" \
    "$(grep -c 'user="bob" cache=miss' "$work/fcgi.err")" 1
check_eq "... and 10 hits" \
    "$(grep -c 'user="bob" cache=hit' "$work/fcgi.err")" 10
check_eq "carol: 1 miss in all her requests" \
    "$(grep -c 'user="carol" cache=miss' "$work/fcgi.err")" 1

# --- credential_cache_seconds 0: the cache is off ------------------------
"$SQLITE3" -batch "$db" "UPDATE settings SET value = '0'
    WHERE name = 'credential_cache_seconds'"
for i in 1 2 3; do
	expect "cache off: request $i is a miss" bob bob-pw /docs/a 200 \
	    "bob miss"
done
"$SQLITE3" -batch "$db" "UPDATE settings SET value = '300'
    WHERE name = 'credential_cache_seconds'"
expect "cache on again: one miss (the table was wiped)" bob bob-pw \
    /docs/a 200 "bob miss"
expect "... then hits" bob bob-pw /docs/a 200 "bob hit"
"$SQLITE3" -batch "$db" "UPDATE settings SET value = '1'
    WHERE name = 'credential_cache_entries'"
expect "a new size: the table is new" bob bob-pw /docs/a 200 "bob miss"
expect "one entry: bob's" bob bob-pw /docs/a 200 "bob hit"
expect "carol takes the only entry" carol alice-pw /docs/a 200 "carol miss"
expect "bob's was evicted" bob bob-pw /docs/a 200 "bob miss"

if grep -q 'alice-pw\|alice-new\|bob-pw\|Basic ' "$work/fcgi.err"; then
	fail "a secret reached the log"
else
	ok "no secret in the log"
fi
kill -TERM $fpid
wait $fpid
check_eq "exit status after SIGTERM" $? 0
pids=

# --- the default: allowed requests are not logged ------------------------
for v in unset 0 yes; do
	: >"$work/fcgi.err"
	s2=$work/cc-$v.sock
	if [ $v = unset ]; then
		start "$work/fcgi.err" "$s2"
	else
		start "$work/fcgi.err" "$s2" PORTCULLIS_LOG_ALLOWED=$v
	fi
	req bob bob-pw /docs/a "$s2"
	check_eq "PORTCULLIS_LOG_ALLOWED $v: 200" "$status" 200
	req bob wrong /docs/a "$s2"
	check_eq "PORTCULLIS_LOG_ALLOWED $v: only the failure is logged" \
	    "$(cat "$work/fcgi.err")" \
	    "$AUTHFAIL reason=bad-password user=\"bob\" method=\"GET\" uri=\"/docs/a\""
	kill -TERM $_pid
	wait $_pid
	pids=
done

# --- CGI: one request per process, nothing to keep -----------------------
for i in 1 2; do
	env -i REQUEST_METHOD=GET REQUEST_URI=/docs/a REMOTE_ADDR=127.0.0.1 \
	    PORTCULLIS_MODE=auth_request HTTP_AUTHORIZATION="Basic $(b64 bob:bob-pw)" PORTCULLIS_DB="$db" \
	    PORTCULLIS_LOG_ALLOWED=1 "$FCGI" >"$work/cgi$i" 2>"$work/cgi$i.err"
	split_response "$work/cgi$i"
	check_eq "CGI request $i: 200" "$(cat "$work/cgi$i.status")" 200
	check_eq "CGI request $i: a miss" "$(cat "$work/cgi$i.err")" \
	    "portcullis: allowed: client=127.0.0.1 user=\"bob\" cache=miss method=\"GET\" uri=\"/docs/a\" rule=$RULE"
done

# --- the migration from version 4 ----------------------------------------
V4=$work/v4.db
for f in 0001-init 0002-proxy-auth 0003-views 0004-hardening; do
	cat "$top_srcdir/sql/$f.sql"
done | "$SQLITE3" -batch "$V4"
"$SQLITE3" -batch "$V4" "PRAGMA journal_mode = WAL; PRAGMA user_version = 4;
    UPDATE settings SET value = 'Staff' WHERE name = 'realm';
    UPDATE settings SET value = 'on' WHERE name = 'proxy_auth'" >/dev/null
"$ADMIN" -d "$V4" init >"$work/init.out" 2>&1
check_eq "init migrates version 4" "$?:$(cat "$work/init.out")" \
    "0:migrated $V4 from schema 4 to $(ls "$top_srcdir"/sql/[0-9]*.sql | wc -l) (lockout state $V4-state)"
check_eq "... keeping the settings, adding the defaults" \
    "$("$SQLITE3" -batch "$V4" "PRAGMA user_version;
	SELECT name || '=' || value FROM settings ORDER BY name")" \
    "$(ls "$top_srcdir"/sql/[0-9][0-9][0-9][0-9]-*.sql | wc -l)
credential_cache_entries=4096
credential_cache_seconds=300
proxy_auth=on
realm=Staff"
for bad in "credential_cache_seconds|86401" "credential_cache_seconds|-1" \
    "credential_cache_seconds|05" "credential_cache_entries|0" \
    "credential_cache_entries|1000001" "credential_cache_entries|1e3" \
    "credential_cache|1"; do
	"$SQLITE3" -batch "$V4" "INSERT OR REPLACE INTO settings (name, value)
	    VALUES ('${bad%|*}', '${bad#*|}')" >/dev/null 2>"$work/bad.err"
	grep -q 'CHECK constraint failed' "$work/bad.err" &&
	    ok "the schema refuses ${bad%|*} = ${bad#*|}" ||
	    fail "the schema took ${bad%|*} = ${bad#*|}"
done

finish credcache
