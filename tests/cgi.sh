#!/bin/sh
# cgi.sh: the built portcullis.fcgi as a plain CGI program, one
# process per row of decisions.tab, under `env -i`.
. "${top_srcdir:-.}/tests/lib.sh"

demo_setup "$work" || { fail "demo database"; finish cgi; }

send_cgi()
{
	_auth=
	[ "$3" != - ] && _auth="HTTP_AUTHORIZATION=Basic $(b64 "$3:$4")"
	env -i REQUEST_METHOD="$1" REQUEST_URI="$2" HTTP_HOST=127.0.0.1 \
	    REMOTE_ADDR=127.0.0.1 GATEWAY_INTERFACE=CGI/1.1 \
	    PORTCULLIS_DB="$work/auth.db" PORTCULLIS_ROOT="$work/www" \
	    ${_auth:+"$_auth"} "$FCGI" </dev/null >"$5" 2>>"$work/cgi.err"
}

run_table "$top_srcdir/tests/decisions.tab" send_cgi

# Every denial logged one line; no password or Authorization leaked.
if grep -q 'builder\|wonderland\|Basic ' "$work/cgi.err"; then
	fail "a secret reached the log"
else
	ok "no secret in the log"
fi
grep -qx 'portcullis: auth failure: client=127.0.0.1 reason=bad-password user="bob" method="GET" uri="/docs/guide.txt"' \
    "$work/cgi.err" && ok "bad password logged" ||
    fail "bad password not logged: $(cat "$work/cgi.err")"
# Why a file was not served: the link, the dotfile, the directory index.
for l in \
    'status=404 reason=symlink user="" method="GET" uri="/public/alias.txt" rule=1' \
    'status=404 reason=dotfile user="" method="GET" uri="/public/.htpasswd" rule=1' \
    'status=403 reason=no-grant user="bob" method="GET" uri="/docs/"'; do
	grep -qxF "portcullis: denied: client=127.0.0.1 $l" "$work/cgi.err" &&
	    ok "logged: $l" || fail "not logged: $l"
done

# Fail closed: no database, a database of another schema version.
env -i REQUEST_METHOD=GET REQUEST_URI=/public/index.html \
    PORTCULLIS_DB="$work/missing.db" PORTCULLIS_ROOT="$work/www" \
    "$FCGI" </dev/null >"$work/r.missing" 2>"$work/e.missing"
split_response "$work/r.missing"
check_eq "missing database: 500" "$(cat "$work/r.missing.status")" 500
"$SQLITE3" "$work/auth.db" 'PRAGMA user_version = 42'
env -i REQUEST_METHOD=GET REQUEST_URI=/public/index.html \
    PORTCULLIS_DB="$work/auth.db" PORTCULLIS_ROOT="$work/www" \
    "$FCGI" </dev/null >"$work/r.schema" 2>"$work/e.schema"
split_response "$work/r.schema"
check_eq "wrong schema version: 500" "$(cat "$work/r.schema.status")" 500
grep -q 'reason=schema' "$work/e.schema" && ok "schema error logged" ||
    fail "schema error not logged: $(cat "$work/e.schema")"

finish cgi
