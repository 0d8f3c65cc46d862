#!/bin/sh
# health.sh: Portcullis's own health and metrics answers through the
# shipped examples/nginx-auth_request.conf (its /portcullis/health and
# /portcullis/metrics locations, for this host only) in front of one
# portcullis.fcgi with two workers on a Unix socket:
#  - health: 200 "ok"; 500 once the policy file is gone, 200 again
#    when it is back; 405 for POST;
#  - metrics: the decisions made through nginx, summed over both
#    workers, read by a real Prometheus parser (python3's
#    prometheus_client); exact counts by status and reason, cache
#    results, the latency histogram's count;
#  - from 127.0.0.2 both are nginx's 403 (allow 127.0.0.1; deny all);
#  - a client's Portcullis-Mode header on a protected location is
#    only a header: still 401.
. "${top_srcdir:-.}/tests/lib.sh"

command -v nginx >/dev/null 2>&1 || PATH=$PATH:/usr/sbin
command -v nginx >/dev/null 2>&1 || skip_or_fail "nginx is not installed"
command -v curl >/dev/null 2>&1 || skip_or_fail "curl is not installed"
# Debian's python3 (python3-prometheus-client), not another on PATH.
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
"$PY" -c 'import prometheus_client.parser' 2>/dev/null ||
    skip_or_fail "python3-prometheus-client is not installed"
demo_setup "$work" || { fail "demo database"; finish health; }

sock=$work/portcullis.sock
"$FCGI" -d "$work/auth.db" -n 2 -s "$sock" 2>"$work/fcgi.err" &
started $!
wait_socket "$sock" $! ||
    { fail "portcullis.fcgi: $(cat "$work/fcgi.err")"; finish health; }
start_nginx nginx-auth_request.conf health 19000 20 || finish health

# get NAME TARGET [CURL-ARGS...]: GET TARGET into $work/NAME, split.
get()
{
	_o=$work/$1 _t=$2
	shift 2
	curl -s -i --max-time 10 "$@" "http://127.0.0.1:$port$_t" \
	    >"$_o" 2>/dev/null
	split_response "$_o"
}

get h1 /portcullis/health
check_eq "health: status" "$(cat "$work/h1.status")" 200
check_eq "health: body" "$(cat "$work/h1.body")" ok
check_eq "health: Content-Type" \
    "$(sed -n 's/^Content-Type: //p' "$work/h1.hdr")" \
    "text/plain; charset=utf-8"
get h2 /portcullis/health -X POST --data-binary ''
check_eq "health POST: status" "$(cat "$work/h2.status")" 405
check_eq "health POST: Allow" "$(sed -n 's/^Allow: //p' "$work/h2.hdr")" \
    "GET, HEAD"

# The decisions the scrape must count (besides start_server's probe
# of /, a 403): 6 without credentials, 4 good logins, 2 wrong
# passwords, and a client header naming a mode (a 7th 401).
i=0
while [ $i -lt 6 ]; do
	get n$i /docs/guide.txt
	i=$((i + 1))
done
check_eq "no credentials: 401" "$(cat "$work/n5.status")" 401
i=0
while [ $i -lt 4 ]; do
	get g$i /docs/guide.txt -u alice:wonderland
	i=$((i + 1))
done
check_eq "alice: 200" "$(cat "$work/g3.status")" 200
get w0 /docs/guide.txt -u alice:wrong
get w1 /docs/guide.txt -u alice:wrong
check_eq "wrong password: 401" "$(cat "$work/w1.status")" 401
get spoof /docs/guide.txt -H 'Portcullis-Mode: health' \
    -H 'X-Portcullis-Mode: metrics'
check_eq "client Portcullis-Mode header: still 401" \
    "$(cat "$work/spoof.status")" 401

get m1 /portcullis/metrics
check_eq "metrics: status" "$(cat "$work/m1.status")" 200
check_eq "metrics: Content-Type" \
    "$(sed -n 's/^Content-Type: //p' "$work/m1.hdr")" \
    "text/plain; version=0.0.4; charset=utf-8"
# One line per sample the parser read: name, labels, value.
if "$PY" - "$work/m1.body" >"$work/m1.parsed" 2>"$work/m1.perr" <<'PY'
import sys
from prometheus_client.parser import text_string_to_metric_families
with open(sys.argv[1]) as f:
    fams = list(text_string_to_metric_families(f.read()))
for fam in fams:
    for s in fam.samples:
        lab = ",".join("%s=%s" % kv for kv in sorted(s.labels.items()))
        print("%s %s %s {%s} %g" % (fam.type, fam.name, s.name, lab,
            s.value))
PY
then
	ok "metrics: prometheus_client parses it"
else
	fail "metrics: prometheus_client: $(cat "$work/m1.perr")"
fi
# sample NAME LABELS: the value the parser read, or "none".
sample()
{
	awk -v n="$1" -v l="{$2}" '$3 == n && $4 == l { print $5; f = 1 }
	    END { if (!f) print "none" }' "$work/m1.parsed"
}
check_eq "metrics: 401 no-credentials" \
    "$(sample portcullis_decisions_total 'reason=no-credentials,status=401')" 7
check_eq "metrics: 200 grant-role" \
    "$(sample portcullis_decisions_total 'reason=grant-role,status=200')" 4
check_eq "metrics: 401 bad-password" \
    "$(sample portcullis_decisions_total 'reason=bad-password,status=401')" 2
check_eq "metrics: 403 no-resource (start_server's probe of /)" \
    "$(sample portcullis_decisions_total 'reason=no-resource,status=403')" 1
check_eq "metrics: no other decision" \
    "$(grep -c ' portcullis_decisions_total ' "$work/m1.parsed")" 4
check_eq "metrics: no health or metrics answer counted" \
    "$(grep -c 'reason=health\|reason=metrics' "$work/m1.parsed")" 0
check_eq "metrics: cache hits + misses = 6 passwords checked" \
    "$(awk '$3 == "portcullis_credential_cache_total" { s += $5 }
    END { print s }' "$work/m1.parsed")" 6
check_eq "metrics: histogram count = 14 decisions" \
    "$(sample portcullis_decision_duration_seconds_count '')" 14
check_eq "metrics: histogram +Inf bucket = 14" \
    "$(sample portcullis_decision_duration_seconds_bucket 'le=+Inf')" 14
check_eq "metrics: histogram type" \
    "$(awk '$3 == "portcullis_decision_duration_seconds_count" { print $1 }' \
    "$work/m1.parsed")" histogram
check_eq "metrics: lockouts 0" "$(sample portcullis_lockouts_total '')" 0
rb=$(sample portcullis_snapshot_rebuilds_total '')
case $rb in
1|2)	ok "metrics: $rb snapshot rebuilds (one per worker that answered)" ;;
*)	fail "metrics: snapshot rebuilds: $rb, want 1 or 2" ;;
esac

# For this host only: nginx refuses another source address.
get far1 /portcullis/metrics --interface 127.0.0.2
check_eq "metrics from 127.0.0.2: nginx's 403" "$(cat "$work/far1.status")" 403
get far2 /portcullis/health --interface 127.0.0.2
check_eq "health from 127.0.0.2: nginx's 403" "$(cat "$work/far2.status")" 403

# The policy gone: health says 500 (and the log why); back: 200.
mv "$work/auth.db" "$work/auth.db.away"
get h3 /portcullis/health
check_eq "health without the policy: 500" "$(cat "$work/h3.status")" 500
mv "$work/auth.db.away" "$work/auth.db"
get h4 /portcullis/health
check_eq "health with the policy back: 200" "$(cat "$work/h4.status")" 200

finish health
