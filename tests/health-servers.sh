#!/bin/sh
# health-servers.sh: the health and metrics recipes of the shipped
# lighttpd, Apache and Caddy examples (tests/health.sh does nginx's),
# each run by the real server on 127.0.0.1 in front of one
# portcullis.fcgi with two workers:
#   lighttpd  examples/lighttpd-authorizer.conf: lighttpd starts it
#             (PORTCULLIS_WORKERS=2); its /portcullis/ URLs use the
#             responder role on the same socket, the mode from
#             mod_setenv;
#   Apache    examples/apache-authnz-fcgi.conf: mod_proxy_fcgi to the
#             authorizer's portcullis.fcgi, the mode from SetEnv;
#   Caddy     examples/Caddyfile: reverse_proxy's FastCGI transport,
#             the mode from its env line.
# For each: health is 200 "ok" (text/plain); metrics parse with a real
# Prometheus parser (python3's prometheus_client) and count exactly
# the decisions made between two scrapes (3 without credentials, 2
# good logins), whichever worker made them; from 127.0.0.2 both are
# the server's 403; the health URL opens nothing else (a protected
# file stays 401), and a client's Portcullis-Mode header is only a
# header.
# Ports: lighttpd 19100-19104, Apache 19105-19107 (Portcullis +3),
# Caddy 19120-19149 (admin API +30).
. "${top_srcdir:-.}/tests/lib.sh"

command -v curl >/dev/null 2>&1 || skip_or_fail "curl is not installed"
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
"$PY" -c 'import prometheus_client.parser' 2>/dev/null ||
    skip_or_fail "python3-prometheus-client is not installed"
PATH=$PATH:/usr/sbin
demo_setup "$work" || { fail "demo database"; finish health-servers; }

# get OUT TARGET [CURL-ARGS...]: GET http://127.0.0.1:$port TARGET into
# OUT, split.
get()
{
	_o=$1 _t=$2
	shift 2
	curl -s -i --max-time 10 "$@" "http://127.0.0.1:$port$_t" \
	    >"$_o" 2>/dev/null
	split_response "$_o"
}

# scrape OUT: the metrics, one "name {labels} value" line per sample
# prometheus_client read, in OUT.parsed; 1 if it did not parse.
scrape()
{
	get "$1" /portcullis/metrics
	"$PY" - "$1.body" >"$1.parsed" 2>"$1.perr" <<'PY'
import sys
from prometheus_client.parser import text_string_to_metric_families
with open(sys.argv[1]) as f:
    for fam in text_string_to_metric_families(f.read()):
        for s in fam.samples:
            lab = ",".join("%s=%s" % kv for kv in sorted(s.labels.items()))
            print("%s {%s} %g" % (s.name, lab, s.value))
PY
}

# sample FILE NAME LABELS: the value, or 0 if there is no such sample.
sample()
{
	awk -v n="$2" -v l="{$3}" '$1 == n && $2 == l { v = $3 }
	    END { print v + 0 }' "$1.parsed"
}

# recipe NAME: the checks, through the server on $port.
recipe()
{
	_n=$1 _w=$work/$1
	get "$_w.h1" /portcullis/health
	check_eq "$_n: health status" "$(cat "$_w.h1.status")" 200
	check_eq "$_n: health body" "$(cat "$_w.h1.body")" ok
	check_eq "$_n: health Content-Type" \
	    "$(sed -n 's/^[Cc]ontent-[Tt]ype: //p' "$_w.h1.hdr")" \
	    "text/plain; charset=utf-8"
	if scrape "$_w.m1"; then
		ok "$_n: metrics parsed by prometheus_client"
	else
		fail "$_n: metrics: $(head -c 300 "$_w.m1.perr") $(head -c 300 "$_w.m1")"
	fi
	check_eq "$_n: metrics Content-Type" \
	    "$(sed -n 's/^[Cc]ontent-[Tt]ype: //p' "$_w.m1.hdr")" \
	    "text/plain; version=0.0.4; charset=utf-8"
	_i=0
	while [ $_i -lt 3 ]; do
		get "$_w.n$_i" /docs/guide.txt
		_i=$((_i + 1))
	done
	check_eq "$_n: no credentials: 401" "$(cat "$_w.n2.status")" 401
	get "$_w.g0" /docs/guide.txt -u alice:wonderland
	get "$_w.g1" /docs/guide.txt -u alice:wonderland
	check_eq "$_n: alice: 200" "$(cat "$_w.g1.status")" 200
	scrape "$_w.m2" || fail "$_n: second scrape: $(head -c 300 "$_w.m2.perr")"
	_k='reason=no-credentials,status=401'
	check_eq "$_n: metrics count the 3 decisions without credentials" \
	    $(($(sample "$_w.m2" portcullis_decisions_total "$_k") - \
	    $(sample "$_w.m1" portcullis_decisions_total "$_k"))) 3
	_k='reason=grant-role,status=200'
	check_eq "$_n: metrics count the 2 good logins" \
	    $(($(sample "$_w.m2" portcullis_decisions_total "$_k") - \
	    $(sample "$_w.m1" portcullis_decisions_total "$_k"))) 2
	check_eq "$_n: the histogram counts them too" \
	    $(($(sample "$_w.m2" portcullis_decision_duration_seconds_count '') - \
	    $(sample "$_w.m1" portcullis_decision_duration_seconds_count ''))) 5
	check_eq "$_n: no health or metrics answer is a decision" \
	    "$(grep -c 'reason=health\|reason=metrics' "$_w.m2.parsed")" 0

	get "$_w.far1" /portcullis/metrics --interface 127.0.0.2
	check_eq "$_n: metrics from 127.0.0.2: the server's 403" \
	    "$(cat "$_w.far1.status")" 403
	get "$_w.far2" /portcullis/health --interface 127.0.0.2
	check_eq "$_n: health from 127.0.0.2: the server's 403" \
	    "$(cat "$_w.far2.status")" 403
	check_eq "$_n: no metrics text from 127.0.0.2" \
	    "$(grep -c portcullis_ "$_w.far1.body")" 0
	get "$_w.spoof" /docs/guide.txt -H 'Portcullis-Mode: health' \
	    -H 'X-Portcullis-Mode: metrics'
	check_eq "$_n: a client's Portcullis-Mode header: still 401" \
	    "$(cat "$_w.spoof.status")" 401
	get "$_w.sub" /portcullis/health/../../docs/guide.txt --path-as-is
	case $(cat "$_w.sub.status") in
	400|401|404)	ok "$_n: a path through /portcullis/health opens nothing ($(cat "$_w.sub.status"))" ;;
	*)		fail "$_n: /portcullis/health/../../docs/guide.txt: $(cat "$_w.sub.status")" ;;
	esac
}

# --- lighttpd: the authorizer example -------------------------------
if command -v lighttpd >/dev/null 2>&1; then
	if start_lighttpd lighttpd-authorizer.conf 19100 5; then
		ok "lighttpd: on 127.0.0.1:$port"
		# lighttpd started one portcullis.fcgi; it forked two.
		check_eq "lighttpd: one portcullis.fcgi with two workers" \
		    "$(pgrep -P "$(pgrep -P "$lpid" -f portcullis.fcgi)" \
		    -f portcullis.fcgi | wc -l)" 2
		recipe lighttpd
		stop_server "$lpid"
	fi
	sanitizer_free lighttpd "$work/error.log"
else
	ok "# SKIP lighttpd: not installed"
fi

# --- Apache: mod_authnz_fcgi + mod_proxy_fcgi ---------------------------
apache_prep()
{
	fport=$((port + 3))
	_ug='/^User /d;/^Group /d'
	[ "$(id -u)" = 0 ] &&
	    _ug='s|^User .*|User www-data|;s|^Group .*|Group www-data|'
	mkdir -p "$work/apache" "$work/arun" "$work/alog"
	sed -e "s|^ServerRoot .*|ServerRoot \"$work/apache\"|" -e "$_ug" \
	    -e "s|127\.0\.0\.1:8080|127.0.0.1:$port|" \
	    -e "s|fcgi://127\.0\.0\.1:9000/|fcgi://127.0.0.1:$fport/|g" \
	    -e "s|/run/apache2|$work/arun|g" \
	    -e "s|/var/log/apache2|$work/alog|g" \
	    -e "s|/srv/www|$work/www|g" \
	    "$top_srcdir/examples/apache-authnz-fcgi.conf" > "$work/apache.conf"
	srv_url=http://127.0.0.1:$port/public/index.html
	srv_logs=$work/alog/portcullis-error.log
	apache2 -t -f "$work/apache.conf" >"$work/apache-t.log" 2>&1 ||
	    { fail "apache2 -t: $(cat "$work/apache-t.log")"; return 1; }
	[ -n "${fpid:-}" ] && stop_server "$fpid"
	"$FCGI" -n 2 -l stderr -d "$work/auth.db" -s "127.0.0.1:$fport" \
	    2>>"$work/fcgi.err" &
	fpid=$!
	started $fpid
	sleep 0.3
	kill -0 $fpid 2>/dev/null ||
	    { fail "portcullis.fcgi on :$fport: $(tail -2 "$work/fcgi.err")"
	      fpid=; return 1; }
	srv_also=$fpid
}
if command -v apache2 >/dev/null 2>&1 &&
    [ -f /usr/lib/apache2/modules/mod_authnz_fcgi.so ] &&
    [ -f /usr/lib/apache2/modules/mod_proxy_fcgi.so ]; then
	[ "$(id -u)" = 0 ] && chmod 0755 "$work"
	fpid=
	if start_server apache 19105 3 "$work/apache.err" apache_prep \
	    apache2 -f "$work/apache.conf" -DFOREGROUND; then
		ok "apache: on 127.0.0.1:$port, Portcullis :$fport"
		recipe apache
		stop_server "$srv_pid"
		stop_server "$fpid"
	fi
	sanitizer_free apache "$work/fcgi.err"
else
	ok "# SKIP Apache: apache2, mod_authnz_fcgi or mod_proxy_fcgi not installed"
fi

# --- Caddy: forward_auth + reverse_proxy --------------------------------
if command -v caddy >/dev/null 2>&1; then
	sock=$work/portcullis.sock
	"$FCGI" -n 2 -l stderr -d "$work/auth.db" -s "$sock" \
	    2>"$work/fcgi-caddy.err" &
	cpid=$!
	started $cpid
	if wait_socket "$sock" $cpid &&
	    start_caddy "$top_srcdir/examples/Caddyfile" caddy 19120; then
		recipe caddy
	fi
	stop_server "$cpid"
	sanitizer_free caddy "$work/fcgi-caddy.err"
else
	ok "# SKIP Caddy: not installed"
fi

finish health-servers
