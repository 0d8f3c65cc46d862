#!/bin/sh
# server-nginx-cache.sh: examples/nginx-auth_request-cache.conf (nginx
# caching Portcullis's allows, opt-in) run by a real nginx on
# 127.0.0.1 in front of one portcullis.fcgi on a Unix socket, the TTL
# lowered to 4 s in the test's copy.  Asserts: cached allows are
# answered by nginx alone with the same user and roles; a revocation
# applies once the TTL has passed and not before; another password,
# another user, no credentials or another Proxy-Authorization never
# reach an entry; a denial is never stored; an expired entry is never
# served while Portcullis is down; and, with the example's
# fastcgi_ignore_headers line removed, Portcullis's
# "Cache-Control: no-store" keeps nginx from caching anything.
. "${top_srcdir:-.}/tests/lib.sh"

command -v nginx >/dev/null 2>&1 || PATH=$PATH:/usr/sbin
command -v nginx >/dev/null 2>&1 || skip_or_fail "nginx is not installed"
command -v curl >/dev/null 2>&1 || skip_or_fail "curl is not installed"
demo_setup "$work" || { fail "demo database"; finish nginx-cache; }

ex=nginx-auth_request-cache.conf
# The test copy's fastcgi_cache_valid, in seconds.  nginx counts whole
# seconds: an entry made at 12.9 s with a TTL of 4 s is served until
# 16.999 s, between TTL and TTL + 1 s after it was made.  4 s leaves a
# loaded machine (asan, yescrypt) time for the checks "within the TTL".
ttl=4

sock=$work/portcullis.sock
"$FCGI" -d "$work/auth.db" -s "$sock" 2>"$work/fcgi.err" &
fpid=$!
started $fpid
wait_socket "$sock" $fpid ||
    { fail "portcullis.fcgi: $(cat "$work/fcgi.err")"; finish nginx-cache; }

# start_cache NAME BASE [SED-EXPR]: examples/$ex through start_nginx
# (tests/lib.sh), on a port in BASE..BASE+15.  The copy has a TTL of
# $ttl seconds and shows the subrequest's cache status, user and roles
# as X-Portcullis-Cache (the example's commented-out lines, and in
# @portcullis for denials sent as 403), X-Test-User and X-Test-Roles
# (as server-nginx.sh).  SED-EXPR: one more edit.
start_cache()
{
	start_nginx "$ex" "$1" "$2" 16 \
	    "s|\(fastcgi_cache_valid 200\) 10s;|\1 ${ttl}s;|" \
	    's|^\([[:space:]]*\)#   \(auth_request_set $portcullis_c\)|\1\2|' \
	    's|^\([[:space:]]*\)#   \(add_header X-Portcullis-Cache .*\)|\1\2\
\1add_header X-Test-User $portcullis_user always;\
\1add_header X-Test-Roles $portcullis_roles always;|' \
	    's|^\([[:space:]]*\)add_header Retry-After .*|&\
\1add_header X-Portcullis-Cache $portcullis_cache always;|' \
	    "${3:-}"
}

# req NAME METHOD TARGET USER PASS [HEADER]: one request through
# nginx; sets $st (status), $cs (the subrequest's cache status, "-"
# without one), $usr and $rol (X-Test-User/-Roles, "-" when absent).
# The response stays in $work/NAME.
req()
{
	send_curl "$2" "$3" "$4" "$5" "${6:--}" "$work/$1"
	split_response "$work/$1"
	st=$(cat "$work/$1.status")
	cs=$(sed -n 's/^X-Portcullis-Cache: //p' "$work/$1.hdr")
	usr=$(sed -n 's/^X-Test-User: //p' "$work/$1.hdr")
	rol=$(sed -n 's/^X-Test-Roles: //p' "$work/$1.hdr")
	: "${cs:=-}" "${usr:=-}" "${rol:=-}"
}

# keys NAME: the keys of the entries stored in $work/NAME/cache, one
# a line (nginx writes "KEY: ..." into each cache file).
keys()
{
	find "$work/$1/cache" -type f -exec grep -ah '^KEY: ' {} + |
	    sed 's/^KEY: //'
}

# refused_within NAME METHOD TARGET USER PASS [HEADER]: poll (at most
# 100 requests 0.1 s apart: over 10 s, well beyond TTL + 1 s) until the
# request is no longer allowed; sets $st, $cs and $polls.  Returns 1
# if it never was.
refused_within()
{
	polls=0
	while [ $polls -lt 100 ]; do
		polls=$((polls + 1))
		req "$@"
		[ "$st" = 200 ] || return 0
		sleep 0.1
	done
	return 1
}

start_cache cache 18600 || finish nginx-cache
cport=$port
cdir=$work/cache/cache
check_eq "the test's copy: TTL $ttl s, only for 200" \
    "$(grep -c "^[[:space:]]*fastcgi_cache_valid 200 ${ttl}s;\$" \
    "$work/cache/nginx.conf")" 1
check_eq "cache directory: mode 0700 (it holds credentials)" \
    "$(stat -c %a "$cdir")" 700

# --- the shared table, twice: the second pass is answered from the
# cache where it allowed, and every row must stay exactly the same.
run_servers send_curl
run_servers send_curl

# Each case below has URIs of its own (a query Portcullis ignores makes
# another key): the table's entries, and each other's, stay out of
# the way.

# --- (1) an allow is answered from the cache, user and roles intact
t=/docs/guide.txt?one
req a1 GET $t alice wonderland
check_eq "alice, first: status" "$st" 200
check_eq "alice, first: asked Portcullis" "$cs" MISS
req a2 GET $t alice wonderland
check_eq "alice, again: status" "$st" 200
check_eq "alice, again: from the cache" "$cs" HIT
check_eq "alice, from the cache: \$portcullis_user" "$usr" alice
check_eq "alice, from the cache: \$portcullis_roles" "$rol" editor,viewer
if cmp -s "$work/a2.body" "$work/www/docs/guide.txt"; then
	ok "alice, from the cache: body is docs/guide.txt"
else
	fail "alice, from the cache: body is not docs/guide.txt"
fi
check_eq "no X-Portcullis-User/-Roles to the client" \
    "$(cat "$work/a1.hdr" "$work/a2.hdr" | grep -ci '^X-Portcullis-[UR]')" 0
# The key holds the whole header; the two trailing spaces: an empty
# Proxy-Authorization.
check_eq "the entry's key: method, server, URI, whole header" \
    "$(keys cache | grep -cxF "GET _ $t Basic $(b64 alice:wonderland) ")" 1

# --- (3) another password, another user, no credentials, another
# method: never the cached entry
req p1 GET $t alice wrong
check_eq "alice, wrong password: status" "$st/$cs" 401/MISS
check_eq "alice, wrong password: WWW-Authenticate" \
    "$(sed -n 's/^WWW-Authenticate: //p' "$work/p1.hdr")" \
    'Basic realm="Portcullis demo", charset="UTF-8"'
req p2 GET $t alice wonderlan
check_eq "alice, password one byte short: status" "$st/$cs" 401/MISS
req p3 GET $t - - "Authorization: Basic $(b64 alice:wonderland)x"
check_eq "alice, header one byte longer: status" "$st/$cs" 401/MISS
req p4 GET $t - -
check_eq "no credentials: status" "$st/$cs" 401/MISS
req p5 GET $t bob builder
check_eq "bob, same URI: not alice's entry" "$st/$cs/$usr/$rol" \
    200/MISS/bob/viewer
req p6 GET $t bob builder
check_eq "bob, again: his own entry" "$st/$cs/$usr/$rol" 200/HIT/bob/viewer
req p7 GET $t alice wonderland
check_eq "alice, after bob: her own entry" "$st/$usr/$rol" \
    200/alice/editor,viewer
req p8 HEAD $t alice wonderland
check_eq "alice, HEAD: not GET's entry" "$st/$cs" 200/MISS
req p9 DELETE $t bob builder
check_eq "bob, DELETE: not GET's entry (a viewer may not)" "$st/$cs" 403/MISS
check_eq "no entry for a wrong password or none" \
    "$(keys cache | grep -c "^GET _ $t \(\|Basic $(b64 alice:wrong)\|Basic \
$(b64 alice:wonderlan)\|Basic $(b64 alice:wonderland)x\) \$")" 0

# Proxy-Authorization is in the key: with proxy_auth on, bob's cached
# allow is not given to a request without his header, or with
# another.
setting proxy_auth on
t=/docs/guide.txt?proxy
pa="Proxy-Authorization: Basic $(b64 bob:builder)"
req x1 GET $t - - "$pa"
check_eq "proxy_auth, bob: status" "$st/$cs/$usr" 200/MISS/bob
req x2 GET $t - - "$pa"
check_eq "proxy_auth, bob again: from the cache" "$st/$cs/$usr" 200/HIT/bob
req x3 GET $t - -
check_eq "proxy_auth, no header: status" "$st/$cs" 407/MISS
req x4 GET $t - - "Proxy-Authorization: Basic $(b64 bob:wrong)"
check_eq "proxy_auth, bob, wrong password: status" "$st/$cs" 407/MISS
req x5 GET $t bob builder
check_eq "proxy_auth, bob in Authorization instead: status" "$st/$cs" \
    407/MISS
setting proxy_auth off

# --- (4) a denial is never cached: the next request after a grant or
# an enable is allowed at once
req d1 GET /admin/index.html?deny bob builder
check_eq "bob, /admin/: status" "$st/$cs" 403/MISS
req d2 GET /admin/index.html?deny bob builder
check_eq "bob, /admin/ again: asked Portcullis again" "$st/$cs" 403/MISS
req d3 GET /members/index.html?deny carol carol-pw
check_eq "carol (disabled): status" "$st/$cs" 401/MISS
req d4 GET /members/index.html?deny carol carol-pw
check_eq "carol (disabled) again: asked Portcullis again" "$st/$cs" 401/MISS
"$ADMIN" -d "$work/auth.db" grant bob admin
"$ADMIN" -d "$work/auth.db" user enable carol
req d5 GET /admin/index.html?deny bob builder
check_eq "bob, right after the grant: allowed" "$st/$cs/$usr" 200/MISS/bob
req d6 GET /members/index.html?deny carol carol-pw
check_eq "carol, right after enable: allowed" "$st/$cs/$usr" 200/MISS/carol
"$ADMIN" -d "$work/auth.db" user disable carol
check_eq "only 200s stored (no denial)" \
    "$(find "$cdir" -type f -exec grep -aL 'Status: 200 OK' {} + | wc -l)" 0

# --- (5) anonymous allows are cached too, the user stays empty
t=/public/index.html?anon
req n1 GET $t - - "X-Portcullis-User: mallory"
check_eq "anonymous: status" "$st/$cs/$usr/$rol" 200/MISS/-/-
req n2 GET $t - - "X-Portcullis-User: mallory"
check_eq "anonymous, again: from the cache, no user, no roles" \
    "$st/$cs/$usr/$rol" 200/HIT/-/-
req n3 GET $t alice wonderland
check_eq "alice, same URI: not the anonymous entry" "$st/$cs" 200/MISS

# --- (2) a revocation: still allowed within the TTL, refused once it
# has passed.  Fresh entries, then bob loses admin (portcullis revoke)
# and alice is disabled behind the CLI's back (sqlite3).
tb=/admin/index.html?revoke
ta=/docs/guide.txt?revoke
req r1 GET $tb bob builder
check_eq "bob, admin: cached" "$st/$cs" 200/MISS
req r2 GET $ta alice wonderland
check_eq "alice: cached" "$st/$cs" 200/MISS
"$ADMIN" -d "$work/auth.db" revoke bob admin
"$SQLITE3" -batch "$work/auth.db" \
    "UPDATE users SET disabled = 1 WHERE name = 'alice'"
req r3 GET $tb bob builder
check_eq "bob, revoked, within the TTL: still allowed" "$st/$cs/$usr" \
    200/HIT/bob
req r4 GET $ta alice wonderland
check_eq "alice, disabled, within the TTL: still allowed" "$st/$cs/$usr" \
    200/HIT/alice
req r5 GET /admin/index.html?other bob builder
check_eq "bob, revoked, another URI: refused at once" "$st/$cs" 403/MISS
if refused_within r6 GET $tb bob builder; then
	check_eq "bob, revoked, once the TTL has passed: refused" \
	    "$st/$cs" 403/EXPIRED
else
	fail "bob, revoked: still allowed after $polls tries (TTL $ttl s)"
fi
if refused_within r7 GET $ta alice wonderland; then
	check_eq "alice, disabled, once the TTL has passed: refused" \
	    "$st/$cs" 401/EXPIRED
else
	fail "alice, disabled: still allowed after $polls tries (TTL $ttl s)"
fi
"$SQLITE3" -batch "$work/auth.db" \
    "UPDATE users SET disabled = 0 WHERE name = 'alice'"

# --- without fastcgi_ignore_headers, Portcullis's no-store on its
# allows keeps nginx from storing anything.
start_cache nostore 18616 '/^[[:space:]]*fastcgi_ignore_headers /d' ||
    finish nginx-cache
req s1 GET /public/index.html - -
req s2 GET /public/index.html - -
check_eq "no-store honoured: again, not from the cache" "$st/$cs" 200/MISS
check_eq "no-store honoured: nothing stored" "$(keys nostore | wc -l)" 0

# --- fastcgi_no_cache alone keeps denials out, even if
# fastcgi_cache_valid is widened to every status.
start_cache anyvalid 18632 \
    "s|fastcgi_cache_valid 200 ${ttl}s;|fastcgi_cache_valid any ${ttl}s;|" ||
    finish nginx-cache
req v1 GET /admin/index.html bob builder
req v2 GET /admin/index.html bob builder
check_eq "valid any, denial again: not from the cache" "$st/$cs" 403/MISS
req v3 GET /docs/guide.txt - -
req v4 GET /docs/guide.txt - -
check_eq "valid any, 401 again: not from the cache" "$st/$cs" 401/MISS
req v5 GET /public/index.html - -
req v6 GET /public/index.html - -
check_eq "valid any, allow again: from the cache" "$st/$cs" 200/HIT
check_eq "valid any: only the allow stored" "$(keys anyvalid)" \
    "GET _ /public/index.html  "

# --- Portcullis stopped: cached allows live out their TTL, then 500;
# an expired entry is never served (fastcgi_cache_use_stale off).
# The example as shipped (but the TTL) again.
port=$cport
req o1 GET /status - -
check_eq "/status: cached" "$st/$cs" 200/MISS
stop_server $fpid
if grep -q 'ERROR: \(Address\|Leak\|Undefined\)Sanitizer\|runtime error' \
    "$work/fcgi.err" "$work"/*/logs/portcullis-error.log; then
	fail "sanitizer report from portcullis.fcgi"
else
	ok "no sanitizer report from portcullis.fcgi"
fi
req o2 GET /status - -
check_eq "Portcullis down, within the TTL: from the cache" "$st/$cs" 200/HIT
req o3 GET /public/index.html?down - -
check_eq "Portcullis down, not cached: 500" "$st" 500
if refused_within o4 GET /status - -; then
	check_eq "Portcullis down, after the TTL: never stale" "$st" 500
else
	fail "Portcullis down: /status still allowed after $polls tries"
fi

finish nginx-cache
