#!/bin/sh
# server-tokens.sh: API tokens (README "Tokens", issue 12) through real
# servers on 127.0.0.1, the shipped example configurations, ports
# 18975-18999 and 19180-19239:
#   nginx     examples/nginx-auth_request.conf          18975-18979
#   lighttpd  examples/lighttpd-authorizer.conf         18980-18984
#   Apache    examples/apache-authnz-fcgi.conf,         18985-18987,
#             check_user_id (CGIPassAuth On)            Portcullis +3
#   Apache    ... -DPortcullisBasic (AuthBasicProvider) 18991-18993,
#                                                       Portcullis +3
#   Caddy     examples/Caddyfile (forward_auth)         19180-19209,
#                                                       admin API +30
# With `Authorization: Bearer TOKEN` (curl -H) and with the token as
# the Basic password (curl -u USER:TOKEN): the exact status line and
# challenge lines the client sees, for a good token, one limited to a
# role, a wrong secret, a disabled token, the wrong Basic user and no
# credentials; the failures counted by lockout; the verified user
# reaches the server (lighttpd's access log), and neither a token nor
# its secret reaches any log.
. "${top_srcdir:-.}/tests/lib.sh"

command -v curl >/dev/null 2>&1 || skip_or_fail "curl is not installed"
demo_setup "$work" || { fail "demo database"; finish server-tokens; }
sock=$work/portcullis.sock

# The demo's alice holds editor and viewer; /docs/index.html is for
# editors, /docs/guide.txt for viewers.
tok()
{
	"$ADMIN" -d "$work/auth.db" token "$@"
}
TA=$(tok add alice --label all) && TL=$(tok add alice --roles viewer) &&
    TD=$(tok add bob) || { fail "token add"; finish server-tokens; }
tok disable "$(printf '%s' "$TD" | cut -c5-20)"
# TA's id, another secret.
TW=$(printf '%s' "$TA" | cut -c1-21)$(printf '%064d' 7)
SECRETS="$(printf '%s' "$TA" | cut -c22-) $(printf '%s' "$TL" | cut -c22-)"

REALM='realm="Portcullis demo"'
CH_NONE="WWW-Authenticate: Basic $REALM, charset=\"UTF-8\", Bearer $REALM"
CH_BAD="$CH_NONE, error=\"invalid_token\""

# req OUT TARGET [curl options...]: one GET; OUT.line the status line,
# OUT.hdr the headers (split_response), OUT.ch its challenge lines.
req()
{
	_o=$1 _t=$2
	shift 2
	curl -s -i --max-time 10 "$@" "http://127.0.0.1:$port$_t" >"$_o" \
	    2>/dev/null
	split_response "$_o"
	head -n 1 "$_o" | tr -d '\r' > "$_o.line"
	grep -i '^WWW-Authenticate:' "$_o.hdr" > "$_o.ch"
}
# seen DESC OUT LINE [CHALLENGES]: OUT's status line is LINE and its
# challenge lines exactly CHALLENGES ("" for none).
seen()
{
	_got="$(cat "$2.line")|$(cat "$2.ch")"
	check_eq "$1" "$_got" "$3|${4:-}"
}

# scenario NAME NOAUTH-CHALLENGES BAD-CHALLENGES BEARER: the requests
# every server gets.  BEARER no: Bearer is not for this server, which
# answers every refusal with its own 401 and NOAUTH-CHALLENGES.  The
# lockout state is cleared after (each server sends bob's failures).
scenario()
{
	_n=$1 _chn=$2 _chb=$3
	_403="HTTP/1.1 403 Forbidden" _all="HTTP/1.1 200 OK" _ch403=
	if [ "$4" = no ]; then
		_403="HTTP/1.1 401 Unauthorized" _all=$_403 _ch403=$_chn
	fi
	req "$work/t1" /docs/index.html -H "Authorization: Bearer $TA"
	req "$work/t2" /docs/guide.txt -H "Authorization: Bearer $TL"
	req "$work/t3" /docs/index.html -H "Authorization: Bearer $TL"
	req "$work/t4" /docs/guide.txt -H "Authorization: Bearer $TW"
	req "$work/t5" /docs/guide.txt -H "Authorization: Bearer $TD"
	req "$work/t6" /docs/guide.txt -H "Authorization: Bearer x y"
	req "$work/t7" /docs/index.html -u "alice:$TA"
	req "$work/t8" /docs/guide.txt -u "bob:$TA"
	req "$work/t9" /docs/index.html -u "alice:$TL"
	req "$work/t10" /docs/guide.txt
	req "$work/t11" /public/index.html -H "Authorization: Bearer $TW"
	if [ "$4" = yes ]; then
		seen "$_n: Bearer, a good token" "$work/t1" "HTTP/1.1 200 OK"
		seen "$_n: Bearer, limited to viewer: viewer's" "$work/t2" \
		    "HTTP/1.1 200 OK"
		seen "$_n: Bearer, limited to viewer: editor's" "$work/t3" \
		    "HTTP/1.1 403 Forbidden"
		seen "$_n: Bearer, a wrong secret" "$work/t4" \
		    "HTTP/1.1 401 Unauthorized" "$_chb"
		seen "$_n: Bearer, a disabled token" "$work/t5" \
		    "HTTP/1.1 401 Unauthorized" "$_chb"
		seen "$_n: Bearer, malformed" "$work/t6" \
		    "HTTP/1.1 401 Unauthorized" "$_chb"
	fi
	seen "$_n: Basic alice:TOKEN" "$work/t7" "HTTP/1.1 200 OK"
	seen "$_n: Basic bob:(alice's token)" "$work/t8" \
	    "HTTP/1.1 401 Unauthorized" "$_chn"
	seen "$_n: Basic alice:(token limited to viewer), editor's" \
	    "$work/t9" "$_403" "$_ch403"
	seen "$_n: no credentials" "$work/t10" "HTTP/1.1 401 Unauthorized" \
	    "$_chn"
	seen "$_n: a rule for all ignores a bad token" "$work/t11" \
	    "$_all" "$_ch403"
	# Token failures count toward lockout: a known id for its owner
	# (TD and bob:TA: bob; TW's alice is forgotten by alice:TA's
	# success), every failure for the network.
	[ "$4" = yes ] && check_eq "$_n: lockout counts the token failures" \
	    "$("$ADMIN" -d "$work/auth.db" lockout list |
		awk '{ print $1, $2, $3 }' | sort | tr '\n' ' ')" \
	    "127.0.0.1/32 - 4 127.0.0.1/32 bob 2 "
	"$ADMIN" -d "$work/auth.db" lockout clear >/dev/null
}

# no_secret NAME FILE...: no token secret in the logs; the ids are.
no_secret()
{
	_n=$1
	shift
	for _s in $SECRETS; do
		if grep -q "$_s" "$@" 2>/dev/null; then
			fail "$_n: a token's secret in a log"
			return
		fi
	done
	ok "$_n: no token secret in the logs"
}

fpid=
fcgi_start()
{
	rm -f "$sock"
	"$FCGI" -n 1 -d "$work/auth.db" -s "$sock" "$@" \
	    2>>"$work/fcgi.err" &
	fpid=$!
	started $fpid
	wait_socket "$sock" $fpid && return 0
	fail "portcullis.fcgi: $(tail -3 "$work/fcgi.err")"
	return 1
}

# --- nginx: auth_request ------------------------------------------------
if command -v nginx >/dev/null 2>&1; then
	fcgi_start &&
	start_nginx nginx-auth_request.conf nginx 18975 5 &&
	scenario nginx "$CH_NONE" "$CH_BAD" yes
	grep -q "auth failure: client=127.0.0.1 reason=bad-token user=\"alice\" method=\"GET\" uri=\"/docs/guide.txt\" token=$(printf '%s' "$TA" | cut -c5-20)" \
	    "$nginx_d/logs/portcullis-error.log" &&
	    ok "nginx: the failure logged with the token's id" ||
	    fail "nginx: $(grep token "$nginx_d/logs/portcullis-error.log" | head -2)"
	no_secret nginx "$nginx_d"/logs/*.log "$work/fcgi.err"
	stop_server "$fpid"
	fpid=
else
	ok "# SKIP nginx: not installed"
fi

# --- lighttpd: authorizer -----------------------------------------------
command -v lighttpd >/dev/null 2>&1 || PATH=$PATH:/usr/sbin
if command -v lighttpd >/dev/null 2>&1; then
	if start_lighttpd lighttpd-authorizer.conf 18980 5; then
		ok "lighttpd authorizer: on 127.0.0.1:$port"
		scenario lighttpd "$CH_NONE" "$CH_BAD" yes
		stop_server "$lpid"
		# Variable-REMOTE_USER: lighttpd's %u is the token's owner.
		check_eq "lighttpd: the token's owner in the access log" \
		    "$(grep -c '^127\.0\.0\.1 alice "GET /docs/index.html HTTP/1.1" 200$' \
			"$work/access.log")" 2
		no_secret lighttpd "$work/access.log" "$work/error.log"
	fi
else
	ok "# SKIP lighttpd: not installed"
fi

# --- Apache: mod_authnz_fcgi ----------------------------------------------
command -v apache2 >/dev/null 2>&1 || PATH=$PATH:/usr/sbin
apache_prep()
{
	fport=$((port + 3))
	_ug='/^User /d;/^Group /d'
	[ "$(id -u)" = 0 ] && _ug='s|^User .*|User www-data|;s|^Group .*|Group www-data|'
	mkdir -p "$work/apache" "$work/arun" "$work/alog"
	sed -e "s|^ServerRoot .*|ServerRoot \"$work/apache\"|" -e "$_ug" \
	    -e "s|127\.0\.0\.1:8080|127.0.0.1:$port|" \
	    -e "s|fcgi://127\.0\.0\.1:9000/|fcgi://127.0.0.1:$fport/|" \
	    -e "s|/run/apache2|$work/arun|g" \
	    -e "s|/var/log/apache2|$work/alog|g" \
	    -e "s|/srv/www|$work/www|g" \
	    "$top_srcdir/examples/apache-authnz-fcgi.conf" > "$work/apache.conf"
	srv_url=http://127.0.0.1:$port/public/index.html
	srv_logs=$work/alog/portcullis-error.log
	apache2 -t -f "$work/apache.conf" $adefs >"$work/apache-t.log" 2>&1 ||
	    { fail "apache2 -t: $(cat "$work/apache-t.log")"; return 1; }
	[ -n "$fpid" ] && stop_server "$fpid"
	"$FCGI" -n 1 -l fcgi -d "$work/auth.db" -s "127.0.0.1:$fport" \
	    2>>"$work/fcgi.err" &
	fpid=$!
	started $fpid
	sleep 0.2
	kill -0 $fpid 2>/dev/null ||
	    { fail "portcullis.fcgi on :$fport: $(tail -2 "$work/fcgi.err")"
	      fpid=; return 1; }
	srv_also=$fpid
}
if command -v apache2 >/dev/null 2>&1 &&
    [ -f /usr/lib/apache2/modules/mod_authnz_fcgi.so ]; then
	[ "$(id -u)" = 0 ] && chmod 0755 "$work"
	for av in cuid:18985 basic:18991; do
		adefs=
		[ "${av%%:*}" = basic ] && adefs=-DPortcullisBasic
		start_server "apache ${av%%:*}" "${av#*:}" 3 "$work/apache.err" \
		    apache_prep apache2 -f "$work/apache.conf" -DFOREGROUND \
		    $adefs || continue
		apid=$srv_pid
		ok "apache ${av%%:*}: on 127.0.0.1:$port, Portcullis :$fport"
		case $av in
		cuid:*)
			# CGIPassAuth On: Authorization reaches Portcullis,
			# and its challenges reach the client.
			scenario "apache cuid" "$CH_NONE" "$CH_BAD" yes ;;
		*)
			# AuthBasicProvider: Apache reads Basic itself and
			# hands Portcullis user and password; a token as the
			# password works.  Every refusal is Apache's own 401
			# with Apache's challenge; Bearer never gets past
			# mod_auth_basic.
			_ach="WWW-Authenticate: Basic $REALM"
			scenario "apache basic" "$_ach" "$_ach" no
			req "$work/t12" /docs/guide.txt \
			    -H "Authorization: Bearer $TL"
			seen "apache basic: Bearer is Apache's 401" \
			    "$work/t12" "HTTP/1.1 401 Unauthorized" "$_ach" ;;
		esac
		stop_server "$apid"
		stop_server "$fpid"
		fpid=
	done
	no_secret apache "$work"/alog/*.log "$work/fcgi.err"
else
	ok "# SKIP Apache: apache2 or mod_authnz_fcgi not installed"
fi

# --- Caddy: forward_auth over FastCGI ----------------------------------
# Go canonicalises the challenge's name (Www-Authenticate, the same
# header: RFC 9110 5.1); Caddy drops FastCGI stderr, so -l stderr.
if command -v caddy >/dev/null 2>&1; then
	if fcgi_start -l stderr &&
	    start_caddy "$top_srcdir/examples/Caddyfile" caddy 19180; then
		scenario caddy "$(printf '%s' "$CH_NONE" |
		    sed 's/^WWW-/Www-/')" "$(printf '%s' "$CH_BAD" |
		    sed 's/^WWW-/Www-/')" yes
		stop_server "$srv_pid"
	fi
	[ -n "$fpid" ] && stop_server "$fpid"
	fpid=
	grep -q "auth failure: client=127.0.0.1 reason=bad-token user=\"alice\" method=\"GET\" uri=\"/docs/guide.txt\" token=$(printf '%s' "$TA" | cut -c5-20)" \
	    "$work/fcgi.err" &&
	    ok "caddy: the failure logged with the token's id" ||
	    fail "caddy: $(grep token "$work/fcgi.err" | tail -2)"
	no_secret caddy "$work/fcgi.err" "$work/caddy/caddy.err"
else
	ok "# SKIP Caddy: not installed"
fi

sanitizer_free "" "$work/fcgi.err" "$work"/*/logs/*.log "$work"/alog/*.log
finish server-tokens
