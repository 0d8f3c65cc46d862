#!/bin/sh
# bench/soak.sh [BUILD]: Portcullis for minutes under load while an
# administrator changes the policy (issue 10, section 3).  tests/soak.sh
# runs it in CI for 60 s; `make soak` for 10 minutes.  Never part of
# make check.
#
# BUILD is a built tree (default $BUILD, else the current directory):
# it needs cgi-bin/portcullis.fcgi and src/portcullis.  Everything runs
# on 127.0.0.1 in a temporary directory, stopped by PID at the end.
#
# The soak: nginx (examples/nginx-auth_request.conf, one worker, no
# access log, by tests/lib.sh's start_nginx) in front of
# portcullis.fcgi -n 2 on a Unix socket.  For SOAK_SECONDS:
#   - two wrk (bench/soak.lua counts every status) load an anonymous
#     location (/public/index.html, granted to all) and an
#     authenticated one (/docs/index.html as alice: a bcrypt cost-5
#     hash, the credential cache on as by default);
#   - an administrator loop runs the portcullis CLI on the same
#     database: on /churn/1..4/** it adds a rule (to all, valid-user
#     or editor, in turn) or deletes the one there, and it grants or
#     revokes bob's role editor (which /team/** and some churn rules
#     need); after each committed change (the CLI has exited 0) it
#     asks through nginx with curl, anonymously and as bob, and wants
#     exactly the answer the new state gives.  An answer that is the
#     one before the change is stale; any other mismatch is wrong.
#     Every change flips at least one answer, so staleness shows;
#   - half-way, (a): an administrator's sqlite3 shell holds BEGIN
#     IMMEDIATE with an uncommitted rule for /held/** for SOAK_HOLD
#     seconds: /held/x.txt must answer 403 (the committed state: no
#     resource) all along, then 200 right after COMMIT; the loaded
#     locations go on (wrk's counts cover it);
#   - each worker's VmRSS is read after SOAK_WARMUP seconds and at the
#     end (and every 10 s into the log).
# Then (b): a copy of the database in rollback-journal mode (PRAGMA
# journal_mode = DELETE), its own portcullis.fcgi -n 2 and nginx; a
# sqlite3 shell holds BEGIN EXCLUSIVE and a write for SOAK_HOLD seconds
# while two curl loops (anonymous /public, alice /docs) ask through
# nginx: every answer must be 503 with Retry-After: 1 within 1 s (the
# server's busy timeout is 250 ms; the example configuration's
# @portcullis location turns the subrequest's 403 + X-Portcullis-Status:
# 503 back into 503 + Retry-After for the client); right after COMMIT
# the new rule answers 200.
#
# Pass: no status but 200 on the loaded locations and no wrk socket
# error; no stale or wrong answer; no admin command failed; no upstream
# error in nginx's log; the same two workers at the end; each worker's
# RSS grew by at most SOAK_RSS_KIB (256) KiB after the warm-up: an
# absolute bound, because a leak grows with what was done (hundreds of
# thousands of requests, hundreds of changes), not with the size the
# worker happened to have; a few percent of a worker's few MiB would be
# about as much, and no looser for a fatter worker.
#
# Environment: SOAK_SECONDS (60), SOAK_WARMUP (10), SOAK_HOLD (3),
# SOAK_CONNS per location (4), SOAK_RSS_KIB (256), SOAK_PORT the first
# of 24 ports (18925; tests/soak.sh: 18900), SOAK_KEEP=1 keeps the work
# directory.  SOAK_CONF=nginx-auth_request-cache.conf (nginx keeps
# allows for 10 s) is the checker's negative control: stale answers.
# Prints ok/not ok lines and a summary (the figures), and exits 0 only
# if everything passed.
set -u

secs=${SOAK_SECONDS:-60}
warm=${SOAK_WARMUP:-10}
hold=${SOAK_HOLD:-3}
conns=${SOAK_CONNS:-4}
rss_max=${SOAK_RSS_KIB:-256}
port0=${SOAK_PORT:-18925}
conf=${SOAK_CONF:-nginx-auth_request.conf}
[ "$warm" -lt "$secs" ] || warm=$((secs / 3))

top=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-${BUILD:-.}}" 2>/dev/null && pwd) ||
    { echo "soak.sh: no build directory ${1:-${BUILD:-.}}" >&2; exit 1; }
PATH=$PATH:/usr/sbin:/sbin
# $work, $pids and `started`, ok/fail/finish, $FCGI, $ADMIN, $SQLITE3,
# b64, wait_socket and start_nginx.
top_builddir=$build top_srcdir=$top
. "$top/tests/lib.sh"

cleanup()
{
	for p in $pids; do
		kill "$p" 2>/dev/null
	done
	for p in $pids; do
		wait "$p" 2>/dev/null
	done
	if [ "${SOAK_KEEP:-0}" = 1 ]; then
		echo "work directory kept: $work"
	else
		rm -rf "$work"
	fi
}

die()
{
	fail "$*"
	finish soak
}

for f in "$FCGI" "$ADMIN"; do
	[ -x "$f" ] || die "$f: not built (run make in $build)"
done
for t in nginx wrk curl "$SQLITE3" mkpasswd base64; do
	command -v "$t" >/dev/null 2>&1 ||
	    die "$t is not installed (apt-get install -y nginx wrk curl sqlite3 whois)"
done

# --- database and document root ---------------------------------------
# alice (viewer) reads /docs/**, bob gets and loses editor (/team/**);
# both have bcrypt cost-5 hashes, set with the sqlite3 shell as an
# administrator would (mkpasswd).
db=$work/auth.db
www=$work/www
setup()
{
	"$ADMIN" -d "$db" init &&
	    printf 'alice-pw\n' | "$ADMIN" -d "$db" user add alice &&
	    printf 'bob-pw\n' | "$ADMIN" -d "$db" user add bob &&
	    "$ADMIN" -d "$db" role add viewer &&
	    "$ADMIN" -d "$db" role add editor &&
	    "$ADMIN" -d "$db" grant alice viewer &&
	    "$ADMIN" -d "$db" rule add '/public/**' GET all &&
	    "$ADMIN" -d "$db" rule add '/docs/**' GET viewer &&
	    "$ADMIN" -d "$db" rule add '/team/**' GET editor || return 1
	for u in alice bob; do
		h=$(printf '%s-pw' $u | mkpasswd -m bcrypt -R 5 -s) &&
		    "$SQLITE3" -batch "$db" \
		    "UPDATE users SET hash = '$h' WHERE name = '$u'" ||
		    return 1
	done
	for d in public docs team held held2 churn/1 churn/2 churn/3 churn/4
	do
		mkdir -p "$www/$d" || return 1
	done
	printf '<h1>Public</h1>\n' > "$www/public/index.html"
	printf '<h1>Docs</h1>\n' > "$www/docs/index.html"
	for d in team held held2 churn/1 churn/2 churn/3 churn/4; do
		printf '%s\n' "$d" > "$www/$d/x.txt"
	done
}
setup >"$work/setup.log" 2>&1 || die "setup: $(tail -5 "$work/setup.log")"
cache=$("$SQLITE3" -batch "$db" "SELECT value FROM settings
    WHERE name = 'credential_cache_seconds'")

# start_pair NAME DB BASE: portcullis.fcgi -n 2 on $work/NAME.sock and
# the example nginx in front of it on a port in BASE..BASE+11; sets
# $port and $fpid.
start_pair()
{
	sock=$work/$1.sock
	"$FCGI" -n 2 -d "$2" -s "$sock" 2>"$work/$1.err" &
	fpid=$!
	started $fpid
	wait_socket "$sock" $fpid ||
	    die "$1: portcullis.fcgi: $(cat "$work/$1.err")"
	start_nginx "$conf" "$1" "$3" 12 \
	    "s|^worker_processes .*|worker_processes 1;|" \
	    "s|^\([[:space:]]*\)access_log .*|\1access_log off;|" ||
	    finish soak
}

# workers: the worker PIDs of portcullis.fcgi $fpid.
workers()
{
	ps -o pid= --ppid "$fpid" | tr -d ' ' | sort -n | tr '\n' ' '
}

# rss PID: its VmRSS in KiB.
rss()
{
	awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null
}

# ask USER PATH [PORT]: one GET through nginx; prints "STATUS SECONDS".
# USER "-": anonymous, else user:password.
ask()
{
	set -- "$1" "$2" "${3:-$port}"
	if [ "$1" = - ]; then
		curl -s -o /dev/null -w '%{http_code} %{time_total}' \
		    --max-time 5 "http://127.0.0.1:$3$2"
	else
		curl -s -o /dev/null -w '%{http_code} %{time_total}' \
		    --max-time 5 -u "$1" "http://127.0.0.1:$3$2"
	fi
}

start_pair soak "$db" "$port0"
sport=$port
spid=$fpid

# Before any load: the answers the loaded locations and the checker
# start from.
pre()
{
	set -- "$1" "$2" "$3" $(ask "$2" "$3")
	check_eq "before the soak: $3 as $2" "${4:-000}" "$1"
}
pre 200 - /public/index.html
pre 200 alice:alice-pw /docs/index.html
pre 401 - /docs/index.html
pre 403 bob:bob-pw /team/x.txt
pre 403 - /churn/1/x.txt

# --- the administrator and the checker ----------------------------------
# want WHO PRINCIPAL: the answer for WHO (- or bob) on /churn/K/x.txt
# when its rule grants GET to PRINCIPAL (never: no resource yet; none:
# the resource without rules, 405), with bob holding editor iff
# $editor is 1.
want()
{
	case $2 in
	never)	echo 403 ;;
	none)	echo 405 ;;
	all)	echo 200 ;;
	valid-user)
		if [ "$1" = - ]; then echo 401; else echo 200; fi ;;
	editor)
		if [ "$1" = - ]; then echo 401
		elif [ "$editor" = 1 ]; then echo 200
		else echo 403
		fi ;;
	esac
}

# check_now WHAT USER PATH WANT OLD [TIMES]: ask now; WANT is the new
# answer, OLD the one before the change (- if none could be stale).
# Answer times go to TIMES (default $work/times.check).
check_now()
{
	_r=$(ask "$2" "$3")
	checks=$((checks + 1))
	echo "${_r#* }" >> "${6:-$work/times.check}"
	_got=${_r%% *}
	if [ "$_got" = "$4" ]; then
		return 0
	elif [ "$_got" = "$5" ]; then
		stale=$((stale + 1))
		echo "STALE: $1: $3 as $2: $_got (the answer before), want $4"
	else
		wrong=$((wrong + 1))
		echo "WRONG: $1: $3 as $2: $_got, want $4"
	fi
	return 1
}

# admin CMD...: one CLI command (committed when it exits 0); its
# output in $work/admin.stdout.
admin()
{
	if "$ADMIN" -d "$db" "$@" >"$work/admin.stdout" \
	    2>>"$work/admin.err"; then
		changes=$((changes + 1))
		return 0
	fi
	adminerr=$((adminerr + 1))
	echo "ADMIN FAILED: portcullis $*: $(tail -1 "$work/admin.err")"
	return 1
}

# hold_immediate: (a), an administrator's sqlite3 shell holds BEGIN
# IMMEDIATE with an uncommitted rule for /held/**, $hold seconds.
hold_immediate()
{
	mkfifo "$work/hold.fifo"
	"$SQLITE3" -batch -cmd '.filectrl persist_wal 1' "$db" \
	    <"$work/hold.fifo" >"$work/hold.out" 2>&1 &
	_hp=$!
	exec 4>"$work/hold.fifo"
	cat >&4 <<EOF
BEGIN IMMEDIATE;
INSERT INTO rules (pattern, methods, principal)
    VALUES ('/held/**', 'GET', 'all');
.system touch $work/held
EOF
	_i=0
	while [ ! -e "$work/held" ] && [ $_i -lt 100 ]; do
		sleep 0.05
		_i=$((_i + 1))
	done
	[ -e "$work/held" ] || echo "HOLD: the shell did not start"
	_end=$(($(date +%s) + hold))
	while [ "$(date +%s)" -lt $_end ]; do
		holdpolls=$((holdpolls + 1))
		check_now "BEGIN IMMEDIATE held" - /held/x.txt 403 - \
		    "$work/times.held" || holdbad=$((holdbad + 1))
	done
	printf 'COMMIT;\n' >&4
	exec 4>&-
	wait $_hp
	_rc=$?
	echo "HOLD: COMMIT exit $_rc after $holdpolls polls"
	if [ $_rc -ne 0 ]; then
		echo "HOLD: the shell said: $(cat "$work/hold.out")"
		adminerr=$((adminerr + 1))
		return
	fi
	changes=$((changes + 1))
	check_now "right after COMMIT" - /held/x.txt 200 403 \
	    "$work/times.commit" || holdbad=$((holdbad + 1))
	_id=$("$SQLITE3" -batch "$db" \
	    "SELECT id FROM rules WHERE pattern = '/held/**'")
	admin rule del "$_id" &&
	    check_now "held rule deleted" - /held/x.txt 405 200
}

# The loop: iteration i works on slot k = i % 4 + 1 (add a rule there,
# or delete the one there), then toggles bob's editor role and checks
# /team and every slot whose rule grants editor.  Counters go to
# $work/admin.res at the end; the log lines to stdout.
admin_loop()
{
	changes=0 checks=0 stale=0 wrong=0 adminerr=0 holdpolls=0 holdbad=0
	editor=0 i=0 held=0
	p_1=never p_2=never p_3=never p_4=never
	_half=$(($(date +%s) + secs / 2))
	while [ ! -e "$work/stop" ]; do
		if [ $held = 0 ] && [ "$(date +%s)" -ge $_half ]; then
			hold_immediate
			held=1
		fi
		k=$((i % 4 + 1))
		eval "p=\$p_$k"
		case $p in
		never|none)
			case $(( (i / 4) % 3 )) in
			0)	np=all ;;
			1)	np=valid-user ;;
			*)	np=editor ;;
			esac
			admin rule add "/churn/$k/**" GET "$np" || {
				i=$((i + 1))
				continue
			}
			# "rule ID added: ...": the id.
			eval "id_$k=\$(sed -n 's/^rule \([0-9]*\) added: .*/\1/p' \
			    \"\$work/admin.stdout\")"
			what="rule add /churn/$k/** GET $np"
			;;
		*)
			eval "id=\$id_$k"
			admin rule del "$id" || { i=$((i + 1)); continue; }
			np=none
			what="rule del /churn/$k/** ($p)"
			;;
		esac
		eval "p_$k=\$np"
		check_now "$what" - "/churn/$k/x.txt" "$(want - "$np")" \
		    "$(want - "$p")"
		check_now "$what" bob:bob-pw "/churn/$k/x.txt" \
		    "$(want bob "$np")" "$(want bob "$p")"

		if [ $editor = 0 ]; then
			admin grant bob editor && editor=1
			what="grant bob editor"
		else
			admin revoke bob editor && editor=0
			what="revoke bob editor"
		fi
		_new=$(want bob editor)
		_old=$( [ $editor = 1 ] && editor=0 || editor=1; want bob editor)
		check_now "$what" bob:bob-pw /team/x.txt "$_new" "$_old"
		for s in 1 2 3 4; do
			eval "p=\$p_$s"
			[ "$p" = editor ] || continue
			check_now "$what" bob:bob-pw "/churn/$s/x.txt" \
			    "$_new" "$_old"
		done
		i=$((i + 1))
	done
	echo "changes=$changes checks=$checks stale=$stale wrong=$wrong" \
	    "adminerr=$adminerr holdpolls=$holdpolls holdbad=$holdbad" \
	    "held=$held iterations=$i" > "$work/admin.res"
}

# --- the soak -----------------------------------------------------------
url=http://127.0.0.1:$sport
: > "$work/times.check"
: > "$work/times.held"
: > "$work/times.commit"
wrk -t1 -c"$conns" -d"${secs}s" --timeout 5s -s "$top/bench/soak.lua" \
    "$url/public/index.html" >"$work/wrk.public" 2>&1 &
wpub=$!
started $wpub
wrk -t1 -c"$conns" -d"${secs}s" --timeout 5s -s "$top/bench/soak.lua" \
    -H "Authorization: Basic $(b64 alice:alice-pw)" \
    "$url/docs/index.html" >"$work/wrk.docs" 2>&1 &
wdocs=$!
started $wdocs
admin_loop >"$work/admin.log" 2>&1 &
apid=$!
started $apid

t0=$(date +%s)
sleep "$warm"
w0=$(workers)
for w in $w0; do
	eval "rss0_$w=\$(rss $w)"
	echo "$(($(date +%s) - t0)) $w $(rss "$w")" >> "$work/rss.log"
done
# Every 10 s into the log, until both wrk have finished.
next=$((t0 + warm + 10))
while kill -0 $wpub 2>/dev/null || kill -0 $wdocs 2>/dev/null; do
	sleep 1
	[ "$(date +%s)" -ge $next ] || continue
	next=$((next + 10))
	for w in $w0; do
		echo "$(($(date +%s) - t0)) $w $(rss "$w")" >> "$work/rss.log"
	done
done
w1=$(workers)
for w in $w0; do
	eval "rss1_$w=\$(rss $w)"
	echo "$(($(date +%s) - t0)) $w $(rss "$w") end" >> "$work/rss.log"
done
wait $wpub
wait $wdocs
unstarted $wpub
unstarted $wdocs
touch "$work/stop"
wait $apid
unstarted $apid

# --- the figures ----------------------------------------------------------
# wrkres FILE: "TOTAL NON200 SOCKETERRORS MAXLATENCY" from wrk's output.
wrkres()
{
	awk '/^status / { t += $3; if ($2 != 200) n += $3 }
	    /Socket errors:/ { gsub(/,/, ""); e = $4 + $6 + $8 + $10 }
	    /^ *Latency/ { m = $4 }
	    END { printf "%d %d %d %s\n", t, n, e, m }' "$1"
}
set -- $(wrkres "$work/wrk.public")
pub_n=${1:-0} pub_bad=${2:-0} pub_err=${3:-0} pub_max=${4:-?}
set -- $(wrkres "$work/wrk.docs")
docs_n=${1:-0} docs_bad=${2:-0} docs_err=${3:-0} docs_max=${4:-?}
check_eq "wrk /public/index.html: non-200" "$pub_bad" 0
check_eq "wrk /public/index.html: socket errors" "$pub_err" 0
check_eq "wrk /docs/index.html (alice): non-200" "$docs_bad" 0
check_eq "wrk /docs/index.html (alice): socket errors" "$docs_err" 0
[ "$pub_n" -gt 0 ] && [ "$docs_n" -gt 0 ] && ok "wrk counted requests" ||
    fail "wrk counted nothing: $(cat "$work/wrk.public" "$work/wrk.docs")"

changes=0 checks=0 stale=0 wrong=0 adminerr=0 holdpolls=0 holdbad=0 held=0
[ -s "$work/admin.res" ] && . "$work/admin.res"
check_eq "stale answers" "$stale" 0
check_eq "wrong answers" "$wrong" 0
check_eq "failed admin commands" "$adminerr" 0
[ "$changes" -gt 0 ] && ok "$changes admin changes, $checks checks" ||
    fail "no admin change: $(tail -5 "$work/admin.log")"
grep -E '^(STALE|WRONG|ADMIN|HOLD: the)' "$work/admin.log" | head -20
maxt()
{
	sort -g "$1" | tail -1
}
check_max=$(maxt "$work/times.check")

# (a)
if [ "$held" = 1 ]; then
	check_eq "(a) BEGIN IMMEDIATE held ${hold} s: answers not the committed state" \
	    "$holdbad" 0
	[ "$holdpolls" -gt 0 ] && ok "(a) $holdpolls answers while held" ||
	    fail "(a) no answer while held"
else
	fail "(a) the lock was never held (soak too short?)"
fi
held_max=$(maxt "$work/times.held")
commit_t=$(maxt "$work/times.commit")

# nginx never lost its upstream.
upstream=$(grep -c 'connect() failed\|timed out\|prematurely closed\|exited on signal' \
    "$work/soak/logs/portcullis-error.log" 2>/dev/null)
check_eq "nginx: upstream errors" "${upstream:-0}" 0

check_eq "the same workers at the end" "$w1" "$w0"
rsstxt=
for w in $w0; do
	eval "a=\${rss0_$w:-} b=\${rss1_$w:-}"
	rsstxt="$rsstxt worker $w ${a:-?}->${b:-?}"
	if [ -n "$a" ] && [ -n "$b" ] && [ $((b - a)) -le "$rss_max" ]; then
		ok "worker $w: VmRSS $a -> $b KiB (growth <= $rss_max KiB)"
	else
		fail "worker $w: VmRSS ${a:-?} -> ${b:-?} KiB (growth > $rss_max KiB)"
	fi
done

# --- (b): a rollback-journal database under an exclusive lock ----------
rj=$work/rj.db
# (with its lockout state database: without one, logins are 503)
"$SQLITE3" -batch "$db" ".backup '$rj'" &&
    "$SQLITE3" -batch "$db-state" ".backup '$rj-state'" &&
    mode=$("$SQLITE3" -batch "$rj" "PRAGMA journal_mode = DELETE")
check_eq "(b) the copy's journal mode" "${mode:-}" delete
start_pair rj "$rj" $((port0 + 12))
rport=$port
pre 200 - /public/index.html
pre 403 - /held2/x.txt

mkfifo "$work/rj.fifo"
"$SQLITE3" -batch "$rj" <"$work/rj.fifo" >"$work/rj.out" 2>&1 &
xpid=$!
started $xpid
exec 5>"$work/rj.fifo"
cat >&5 <<EOF
BEGIN EXCLUSIVE;
INSERT INTO rules (pattern, methods, principal)
    VALUES ('/held2/**', 'GET', 'all');
.system touch $work/held2
EOF
i=0
while [ ! -e "$work/held2" ] && [ $i -lt 100 ]; do
	sleep 0.05
	i=$((i + 1))
done
[ -e "$work/held2" ] && ok "(b) BEGIN EXCLUSIVE and a write held" ||
    fail "(b) the shell did not start: $(cat "$work/rj.out")"
# poll USER PATH OUT: ask through nginx until $end; one line per
# answer in OUT: status, seconds, Retry-After.
poll()
{
	_u=
	[ "$1" = - ] || _u=$1
	while [ "$(date +%s)" -lt $end ]; do
		_r=$(curl -s -D "$3.hdr" -o /dev/null --max-time 5 \
		    -w '%{http_code} %{time_total}' ${_u:+-u "$_u"} \
		    "http://127.0.0.1:$rport$2")
		_ra=$(tr -d '\r' <"$3.hdr" | sed -n 's/^Retry-After: //ip')
		echo "$_r ${_ra:--}" >> "$3"
	done
}
end=$(($(date +%s) + hold))
: > "$work/rj.anon"
: > "$work/rj.alice"
poll - /public/index.html "$work/rj.anon" &
p1=$!
poll alice:alice-pw /docs/index.html "$work/rj.alice" &
p2=$!
wait $p1 $p2
printf 'COMMIT;\n' >&5
exec 5>&-
wait $xpid
check_eq "(b) the shell's COMMIT" $? 0
unstarted $xpid
set -- $(ask - /held2/x.txt "$rport")
after_code=${1:-000} after_t=${2:-?}
check_eq "(b) right after COMMIT: the new rule" "$after_code" 200
set -- $(ask alice:alice-pw /docs/index.html "$rport")
check_eq "(b) right after COMMIT: alice" "${1:-000}" 200
cat "$work/rj.anon" "$work/rj.alice" > "$work/rj.all"
rj_n=$(wc -l < "$work/rj.all")
rj_503=$(awk '$1 == 503 && $3 == 1' "$work/rj.all" | wc -l)
rj_max=$(cut -d' ' -f2 "$work/rj.all" | sort -g | tail -1)
rj_other=$(awk '!($1 == 503 && $3 == 1) { print $1 "/" $3 }' \
    "$work/rj.all" | sort | uniq -c | tr -s ' \n' '  ')
[ "$rj_n" -gt 0 ] && ok "(b) $rj_n answers while locked" ||
    fail "(b) no answer while locked"
check_eq "(b) answers other than 503 + Retry-After: 1 (count, status/Retry-After)" \
    "$((rj_n - rj_503))${rj_other:+ $rj_other}" 0
grep -q 'reason=busy' "$work/rj/logs/portcullis-error.log" &&
    ok "(b) Portcullis logged reason=busy" ||
    fail "(b) no reason=busy in nginx's error log"
awk -v m="${rj_max:-99}" 'BEGIN { exit !(m < 1.0) }' &&
    ok "(b) every answer within 1 s (max ${rj_max} s)" ||
    fail "(b) an answer took ${rj_max:-?} s (bound 1 s)"

# --- summary ---------------------------------------------------------------
echo "soak: ${secs} s, portcullis.fcgi -n 2 behind nginx auth_request," \
    "wrk -c$conns per location: /public/index.html anonymous $pub_n req" \
    "(max latency $pub_max), /docs/index.html alice bcrypt-5 cache ${cache}s" \
    "$docs_n req (max latency $docs_max); non-2xx $((pub_bad + docs_bad))," \
    "socket errors $((pub_err + docs_err)); admin changes $changes," \
    "checks $checks (max ${check_max:-?} s), stale $stale, wrong $wrong;" \
    "RSS KiB (warm-up ${warm} s -> end):$rsstxt"
echo "soak: (a) BEGIN IMMEDIATE ${hold} s on WAL: $holdpolls answers, all" \
    "the committed state: $([ "$holdbad" = 0 ] && echo yes || echo NO)" \
    "(max ${held_max:-?} s); after COMMIT the new answer in ${commit_t:-?} s;" \
    "(b) BEGIN EXCLUSIVE + write ${hold} s, journal_mode DELETE: $rj_n answers," \
    "$rj_503 x 503 + Retry-After: 1, max ${rj_max:-?} s; after COMMIT" \
    "$after_code in $after_t s"
sed 's/^/# rss /' "$work/rss.log"
finish soak
