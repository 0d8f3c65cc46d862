#!/bin/sh
# bench/http.sh [BUILD]: requests per second through a real nginx, as
# ratios to a no-op FastCGI authorizer measured in the same run (the
# machines are shared and noisy: absolute figures mean little).
#
# BUILD is a built tree (default $BUILD, else the current directory):
# it needs cgi-bin/portcullis.fcgi, src/portcullis and bench/noop
# (`make bench` or `make bench/noop` builds it; this script tries).
# Everything runs on 127.0.0.1 in a temporary directory and is stopped
# by PID at the end.  Never part of make check.
#
# nginx (one worker) serves a small static file from
# examples/nginx-auth_request.conf, started by tests/lib.sh's
# start_nginx as tests/server-nginx.sh does, in front of
#   bench/noop           answers "Status: 200" to everything;
#   bench/noop -a HDR    only SHA-256-compares the Authorization header
#                        to a fixed value (what a cache hit costs);
#   portcullis.fcgi      on a Unix socket, BENCH_WORKERS processes
#                        (its -n if its usage mentions one, else
#                        spawn-fcgi -F; the no-ops fork as many);
# and the same nginx with auth_basic and the same yescrypt hash
# (crypt(3) is libxcrypt's) and with no access control at all.
# wrk drives each case in interleaved rounds (every case once per
# round); the table gives the median req/s and the median of the
# per-round ratios to the no-op of the same round.
#
# Environment: BENCH_SECONDS per case and round (5), BENCH_ROUNDS (3),
# BENCH_THREADS and BENCH_CONNS for wrk (2, 16), BENCH_WORKERS (2),
# BENCH_PORT the first of the 96 ports tried (18500; 12 per nginx),
# BENCH_KEEP=1 keeps the work directory.  A smoke run: BENCH_SECONDS=1
# BENCH_ROUNDS=1 (< 1 min).
# Between runs it waits until the servers are idle: a slow case leaves
# queued requests behind.  `make bench-http` runs it in a build tree.
# Exits 0 when the targets fail too: it reports them.
set -u

secs=${BENCH_SECONDS:-5}
rounds=${BENCH_ROUNDS:-3}
threads=${BENCH_THREADS:-2}
conns=${BENCH_CONNS:-16}
workers=${BENCH_WORKERS:-2}
port0=${BENCH_PORT:-18500}

top=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-${BUILD:-.}}" 2>/dev/null && pwd) ||
    { echo "http.sh: no build directory ${1:-${BUILD:-.}}" >&2; exit 1; }
NOOP=$build/bench/noop
PATH=$PATH:/usr/sbin:/sbin
# $work, $pids and `started`, $FCGI, $ADMIN, $SQLITE3, b64, wait_socket
# and start_nginx; cleanup() below replaces the tests' own.
top_builddir=$build top_srcdir=$top
. "$top/tests/lib.sh"

die()
{
	echo "http.sh: $*" >&2
	exit 1
}

for f in "$FCGI" "$ADMIN"; do
	[ -x "$f" ] || die "$f: not built (run make in $build)"
done
[ -x "$NOOP" ] || make -C "$build" bench/noop >/dev/null 2>&1 ||
    die "$NOOP: not built (make -C $build bench/noop)"
for t in nginx wrk curl "$SQLITE3" base64; do
	command -v "$t" >/dev/null 2>&1 ||
	    die "$t is not installed (apt-get install -y wrk nginx curl sqlite3)"
done

# -n N if portcullis.fcgi has workers of its own, else spawn-fcgi -F.
if "$FCGI" -h 2>&1 | grep -Eq '(\[|[[:space:]])-n([][:space:]]|$)'; then
	model="portcullis.fcgi -n $workers"
else
	command -v spawn-fcgi >/dev/null 2>&1 ||
	    die "portcullis.fcgi has no -n: install spawn-fcgi"
	model="spawn-fcgi -F $workers"
fi

cleanup()
{
	for p in $pids; do
		kill "$p" 2>/dev/null
	done
	# spawn-fcgi's children are not ours to wait for: poll.
	for p in $pids; do
		_i=0
		while kill -0 "$p" 2>/dev/null && [ $_i -lt 50 ]; do
			sleep 0.1
			_i=$((_i + 1))
		done
	done
	if [ "${BENCH_KEEP:-0}" = 1 ]; then
		echo "work directory kept: $work"
	else
		rm -rf "$work"
	fi
}

# --- databases ---------------------------------------------------------
# a: alice (yescrypt, the default hash) and u1..u10, /public/** to all,
# /docs/** to valid-user.  nocache: a with credential_cache_seconds 0.
# r1k, r100k: a with that many other resources (one rule each).
echo "setting up in $work ..."
mkdir -p "$work/www/public" "$work/www/docs"
printf '<h1>Public</h1>\n' > "$work/www/public/index.html"
printf '<h1>Docs</h1>\n' > "$work/www/docs/index.html"
mkdb()
{
	"$ADMIN" -d "$1" init || return 1
	printf 'alice-pw\n' | "$ADMIN" -d "$1" user add alice || return 1
	for i in 1 2 3 4 5 6 7 8 9 10; do
		printf 'pw-%s\n' "$i" | "$ADMIN" -d "$1" user add "u$i" ||
		    return 1
	done
	"$ADMIN" -d "$1" rule add '/public/**' GET all &&
	    "$ADMIN" -d "$1" rule add '/docs/**' GET valid-user
}
db=$work/a.db
mkdb "$db" >"$work/setup.log" 2>&1 || die "database: $(cat "$work/setup.log")"

for v in nocache r1k r100k; do
	"$SQLITE3" -batch "$db" ".backup '$work/$v.db'" ||
	    die "sqlite3 .backup $v"
done
cache=$("$SQLITE3" -batch "$db" "SELECT value FROM settings
    WHERE name = 'credential_cache_seconds'" 2>/dev/null)
# UPDATE, or INSERT where the setting exists without a row; a schema
# without the setting refuses both (CHECK): the note below says so.
cacheoff=$("$SQLITE3" -batch "$work/nocache.db" "
    UPDATE settings SET value = '0' WHERE name = 'credential_cache_seconds';
    INSERT INTO settings (name, value)
	SELECT 'credential_cache_seconds', '0' WHERE changes() = 0;
    SELECT value FROM settings WHERE name = 'credential_cache_seconds';" \
    2>/dev/null)
for n in 1000 100000; do
	v=r1k
	[ $n = 1000 ] || v=r100k
	"$SQLITE3" -batch "$work/$v.db" "
	    WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c
		WHERE i < $n)
	    INSERT INTO rules (pattern, methods, principal)
		SELECT '/bench/' || i || '/**', 'GET', 'valid-user' FROM c;" ||
	    die "$n resources"
done

# The same user's hash for nginx's auth_basic.
"$SQLITE3" -batch "$db" "SELECT name || ':' || hash FROM users
    WHERE name = 'alice'" > "$work/htpasswd"

# --- servers -----------------------------------------------------------
# start_fcgi NAME DB: portcullis.fcgi on $work/NAME.sock.
start_fcgi()
{
	_s=$work/$1.sock
	case $model in
	portcullis.fcgi*)
		"$FCGI" -n "$workers" -d "$2" -s "$_s" 2>"$work/$1.err" &
		started $!
		wait_socket "$_s" $! || die "$1: no socket: $(cat "$work/$1.err")"
		;;
	*)
		spawn-fcgi -F "$workers" -s "$_s" -M 0600 -- \
		    "$FCGI" -d "$2" >"$work/$1.spawn" 2>&1 ||
		    die "spawn-fcgi: $(cat "$work/$1.spawn")"
		# spawn-fcgi has bound the socket when it returns.
		pids="$pids $(sed -n 's/.*PID: *\([0-9]*\).*/\1/p' \
		    "$work/$1.spawn" | tr '\n' ' ')"
		;;
	esac
}

# start_noop NAME [AUTHORIZATION]
start_noop()
{
	_s=$work/$1.sock
	if [ $# -gt 1 ]; then
		"$NOOP" -n "$workers" -a "$2" -s "$_s" 2>"$work/$1.err" &
	else
		"$NOOP" -n "$workers" -s "$_s" 2>"$work/$1.err" &
	fi
	started $!
	wait_socket "$_s" $! || die "$1: no socket: $(cat "$work/$1.err")"
}

# start_bench NAME SOCKNAME [SED-EXPR]: the example configuration
# (tests/lib.sh's start_nginx, its ok line in $work/nginx.log), one
# worker, no access log, in front of $work/SOCKNAME.sock; 12 ports of
# its own from $nport on.  Sets port_NAME.
nport=$port0
start_bench()
{
	sock=$work/$2.sock
	start_nginx nginx-auth_request.conf "nginx-$1" "$nport" 12 \
	    "s|^worker_processes .*|worker_processes 1;|" \
	    "s|^\([[:space:]]*\)access_log .*|\1access_log off;|" \
	    "${3:-}" >>"$work/nginx.log" ||
	    die "nginx $1: $(grep -v '^ok ' "$work/nginx.log")"
	eval "port_$1=$port"
	nport=$((nport + 12))
}

alice="Basic $(b64 alice:alice-pw)"
start_noop noop
start_noop sha "$alice"
start_fcgi a "$work/a.db"
start_fcgi nocache "$work/nocache.db"
start_fcgi r1k "$work/r1k.db"
start_fcgi r100k "$work/r100k.db"
for s in noop sha a nocache r1k r100k; do
	start_bench "$s" "$s"
done
# auth_basic instead of auth_request; no access control at all.
ar='^\([[:space:]]*\)auth_request /_portcullis;'
start_bench basic a \
    "s|$ar|\1auth_basic bench; auth_basic_user_file $work/htpasswd;|"
start_bench static a "s|$ar||"

# wrk's Lua script for 10 users in rotation.
{
	printf 'local h = {\n'
	for i in 1 2 3 4 5 6 7 8 9 10; do
		printf '\t"Basic %s",\n' "$(b64 "u$i:pw-$i")"
	done
	printf '}\nlocal i = 0\n'
	printf 'request = function()\n\ti = i %% #h + 1\n'
	printf '\treturn wrk.format(nil, nil, { Authorization = h[i] })\n'
	printf 'end\n'
} > "$work/rotate.lua"

# --- cases -------------------------------------------------------------
# id|server|path|Authorization ("-" none, "@" the rotation)|status|label
cat > "$work/cases" <<EOF
noop|noop|/public/index.html|-|200|no-op authorizer (the ceiling)
sha|sha|/public/index.html|$alice|200|no-op, SHA-256 of the header
anon|a|/public/index.html|-|200|anonymous GET, granted to all
vu|a|/docs/index.html|$alice|200|valid-user, yescrypt, cache on
vu0|nocache|/docs/index.html|$alice|200|valid-user, yescrypt, cache off
wrong|a|/docs/index.html|Basic $(b64 alice:wrong)|401|wrong password (401)
rot|a|/docs/index.html|@|200|10 users in rotation, cache on
r1k|r1k|/public/index.html|-|200|anonymous, 1k other resources
r100k|r100k|/public/index.html|-|200|anonymous, 100k other resources
basic|basic|/docs/index.html|$alice|200|nginx auth_basic, same yescrypt
static|static|/public/index.html|-|200|nginx static file, no auth
EOF

# Every case answers what it should before anything is timed.
bad=""
while IFS='|' read -r id srv path authz want label; do
	eval "p=\$port_$srv"
	if [ "$authz" = @ ]; then
		got=$(for i in 1 2 3 4 5 6 7 8 9 10; do
			curl -s -o /dev/null -w '%{http_code}\n' \
			    -u "u$i:pw-$i" "http://127.0.0.1:$p$path"
		done | sort -u | tr '\n' ' ')
		got=${got% }
	elif [ "$authz" = - ]; then
		got=$(curl -s -o /dev/null -w '%{http_code}' \
		    "http://127.0.0.1:$p$path")
	else
		got=$(curl -s -o /dev/null -w '%{http_code}' \
		    -H "Authorization: $authz" "http://127.0.0.1:$p$path")
	fi
	if [ "$got" != "$want" ]; then
		echo "case $id ($label): status $got, want $want: not timed" >&2
		bad="$bad $id"
	fi
done < "$work/cases"
[ "$(curl -s -o /dev/null -w '%{http_code}' \
    "http://127.0.0.1:$port_sha/public/index.html")" = 401 ] ||
    echo "case sha: no 401 without the header" >&2

# run_case ID SECONDS: one wrk run; prints req/s and non-2xx count.
run_case()
{
	_l=$(grep "^$1|" "$work/cases")
	IFS='|' read -r _id _srv _path _authz _want _label <<EOF
$_l
EOF
	eval "_p=\$port_$_srv"
	set -- wrk -t"$threads" -c"$conns" -d"$2"s --timeout 10s
	case $_authz in
	-)	;;
	@)	set -- "$@" -s "$work/rotate.lua" ;;
	*)	set -- "$@" -H "Authorization: $_authz" ;;
	esac
	"$@" "http://127.0.0.1:$_p$_path" > "$work/wrk.out" 2>&1
	awk '/^Requests\/sec:/ { r = $2 }
	    /Non-2xx or 3xx/ { n = $NF }
	    END { printf "%s %d\n", (r == "" ? 0 : r), n }' "$work/wrk.out"
}

# Every process of the bench, supervisors' and nginx's children too.
allpids=$pids
for p in $pids; do
	allpids="$allpids $(ps -o pid= --ppid "$p" 2>/dev/null)"
done

# settle: wait (at most 10 s) until the servers have used no CPU for
# 0.2 s.  A slow case leaves queued requests (a yescrypt hash each)
# that would otherwise run during the next case.
stats=""
for p in $allpids; do
	stats="$stats /proc/$p/stat"
done
cpu()
{
	cat $stats 2>/dev/null |
	    awk '{ sub(/^.*\) /, ""); s += $12 + $13 } END { print s + 0 }'
}
settle()
{
	_i=0
	_a=$(cpu)
	while [ $_i -lt 50 ]; do
		sleep 0.2
		_b=$(cpu)
		[ "$_a" = "$_b" ] && return
		_a=$_b
		_i=$((_i + 1))
	done
}

ids=$(cut -d'|' -f1 "$work/cases")
ncases=$(echo $ids | wc -w)
echo "nginx $(nginx -v 2>&1 | sed 's/.*nginx\///'), 1 worker;" \
    "wrk -t$threads -c$conns -d${secs}s; $rounds rounds;" \
    "portcullis.fcgi and the no-ops: $model"
# The credential caches of the processes warm up before round 1.
for id in vu rot; do
	case " $bad " in *" $id "*) continue ;; esac
	run_case $id 1 >/dev/null
done
settle
r=1
while [ $r -le "$rounds" ]; do
	printf 'round %d/%d:' "$r" "$rounds"
	# Each round starts one case further: no case is always first.
	k=$(( (r - 1) % ncases ))
	order=$(echo $ids $ids | tr ' ' '\n' |
	    sed -n "$((k + 1)),$((k + ncases))p")
	for id in $order; do
		case " $bad " in *" $id "*) continue ;; esac
		set -- $(run_case $id "$secs")
		echo "$r $1 $2" >> "$work/res.$id"
		settle
		printf ' %s' "$id"
	done
	echo
	r=$((r + 1))
done

# --- the table ---------------------------------------------------------
median()
{
	sort -g | awk '{ a[NR] = $1 }
	    END { if (NR == 0) print 0;
		else if (NR % 2) print a[(NR + 1) / 2];
		else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}

# ratio ID: the median of the per-round ratios to the no-op.
ratio()
{
	[ -s "$work/res.$1" ] && [ -s "$work/res.noop" ] || { echo 0; return; }
	awk 'NR == FNR { n[$1] = $2; next }
	    n[$1] > 0 { print $2 / n[$1] }' "$work/res.noop" "$work/res.$1" |
	    median
}

echo
echo "| case | req/s | x no-op | min-max req/s |"
echo "|---|---:|---:|---|"
while IFS='|' read -r id srv path authz want label; do
	if [ ! -s "$work/res.$id" ]; then
		echo "| $label | error | - | - |"
		continue
	fi
	med=$(cut -d' ' -f2 "$work/res.$id" | median)
	rat=$(ratio "$id")
	eval "ratio_$id=$rat"
	range=$(cut -d' ' -f2 "$work/res.$id" | sort -g |
	    awk 'NR == 1 { lo = $1 } { hi = $1 }
		END { printf "%.0f-%.0f", lo, hi }')
	nb=$(awk -v w="$want" 'w == 200 { s += $3 } END { print s + 0 }' \
	    "$work/res.$id")
	note=""
	[ "$nb" -eq 0 ] || note=" ($nb non-2xx!)"
	printf '| %s | %.0f | %.3f | %s%s |\n' "$label" "$med" "$rat" \
	    "$range" "$note"
done < "$work/cases"

echo
if [ -z "$cache" ]; then
	echo "note: this schema has no credential_cache_seconds setting" \
	    "(no credential cache yet): \"cache on\" and \"cache off\"" \
	    "run the same code."
else
	echo "cache on: credential_cache_seconds=$cache (the default);" \
	    "cache off: ${cacheoff:-NOT SET (the update failed)}"
fi

# target LABEL ID MIN: PASS if ratio_ID >= MIN.
target()
{
	eval "_v=\${ratio_$2:-}"
	if [ -z "$_v" ]; then
		echo "FAIL  $1: not measured"
		return
	fi
	awk -v v="$_v" -v m="$3" -v l="$1" 'BEGIN {
	    printf "%s  %s: %.3f x no-op (target >= %.1f)\n",
		(v >= m ? "PASS" : "FAIL"), l, v, m }'
}
echo
echo "targets (issue 8):"
target "cached-credential decision (valid-user, cache on)" vu 0.9
target "anonymous decision" anon 0.9

# Cold path: one verification per (user, password, hash) per process,
# counted from the log lines of allowed requests (cache=miss): a
# process of its own with PORTCULLIS_LOG_ALLOWED=1 (the timed ones log
# nothing for an allow), asked 10 times for each of the 11 credentials
# through cgi-fcgi (FCGI_STDERR: its stderr), as nginx auth_request.
misses=0
hits=0
if command -v cgi-fcgi >/dev/null 2>&1; then
	PORTCULLIS_LOG_ALLOWED=1
	export PORTCULLIS_LOG_ALLOWED
	start_fcgi cold "$db"
	unset PORTCULLIS_LOG_ALLOWED
	for r in 1 2 3 4 5 6 7 8 9 10; do
		for c in alice:alice-pw u1:pw-1 u2:pw-2 u3:pw-3 u4:pw-4 \
		    u5:pw-5 u6:pw-6 u7:pw-7 u8:pw-8 u9:pw-9 u10:pw-10; do
			env -i REQUEST_METHOD=GET REQUEST_URI=/docs/index.html \
			    PORTCULLIS_MODE=auth_request REMOTE_ADDR=127.0.0.1 \
			    HTTP_AUTHORIZATION="Basic $(b64 "$c")" \
			    cgi-fcgi -bind -connect "$work/cold.sock" \
			    </dev/null >/dev/null 2>>"$work/cold.log"
		done
	done
	misses=$(grep -c 'cache=miss' "$work/cold.log")
	hits=$(grep -c 'cache=hit' "$work/cold.log")
fi
if [ "$misses" -gt 0 ] || [ "$hits" -gt 0 ]; then
	max=$((workers * 11))
	[ "$misses" -le $max ] && v=PASS || v=FAIL
	echo "$v  cold path: $misses cache=miss lines for 11 credentials" \
	    "x $workers processes (target <= $max; $hits hits)"
else
	echo "n/a   cold path, one hash per (user, password, hash) per" \
	    "process: no cache=hit/miss log lines to count"
fi

# Memory of the processes that decided with 100k resources.
hwm=0
for p in $allpids; do
	[ -r "/proc/$p/status" ] || continue
	case $(cat "/proc/$p/cmdline" 2>/dev/null | tr '\0' ' ') in
	*r100k.db*)
		k=$(awk '/^VmHWM:/ { print $2 }' "/proc/$p/status")
		[ "${k:-0}" -gt $hwm ] && hwm=$k
		;;
	esac
done
echo "info  peak RSS of a portcullis.fcgi process, 100k resources and" \
    "11 users: $((hwm / 1024)) MiB (1M users: make bench)"
exit 0
