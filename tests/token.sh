#!/bin/sh
# token.sh: `portcullis token` (API tokens and app passwords, issue
# 12; sql/0007-tokens.sql) end to end: the exact stdout, stderr and exit
# status of token add|list|del|disable|enable, `check --token`, the
# token findings of `lint`, what `export` leaves out, the rows left
# behind and what the schema refuses from a plain sqlite3 shell.

set -u

. "${top_srcdir:-.}/tests/clilib.sh"
# The "mode:" line of check without --mode or PORTCULLIS_MODE.
MODE_DEFAULT='mode: responder (default; --mode auth_request for nginx'\
' auth_request, --mode authorizer for lighttpd/Apache)'

# the token printed by the last run: one line, of the token form.
token_out() {
	[ "$(wc -l <"$T/out")" -eq 1 ] &&
	    grep -Eqx 'pct_[0-9a-f]{16}_[0-9a-f]{64}' "$T/out"
}
# sha256 TEXT: what the database keeps for a token.
sha256() {
	printf '%s' "$1" | sha256sum | cut -d' ' -f1
}
# list_out: the last run's stdout with CREATED (4th field) as "C".
list_out() {
	sed -E 's/^([^ ]+ [^ ]+ [^ ]+) [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z /\1 C /' "$T/out"
}
check_eq_out() {
	if [ "$(list_out)" = "$2" ]; then
		ok "$1"
	else
		fail "$1"
		list_out | sed 's/^/# got: /'
		printf '%s\n' "$2" | sed 's/^/# want: /'
	fi
}

EXP_MSG='--expires must be YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ (UTC)'
ID_MSG='must be 16 lowercase hex digits (as token list shows it)'

"$P" -d "$DB" init >/dev/null || exit 1
printf 's3cret\n' | "$P" -d "$DB" user add alice 2>/dev/null
printf 's3cret\n' | "$P" -d "$DB" user add bob 2>/dev/null
"$P" -d "$DB" role add ed >/dev/null
"$P" -d "$DB" role add adm >/dev/null
"$P" -d "$DB" grant alice ed >/dev/null
"$P" -d "$DB" grant alice adm >/dev/null
"$P" -d "$DB" rule add '/ed/**' GET ed >/dev/null
"$P" -d "$DB" rule add '/adm/**' GET adm >/dev/null
"$P" -d "$DB" rule add '/v/**' GET valid-user >/dev/null

# --- usage ----------------------------------------------------------------
for args in "token" "token frob" "token add" "token add alice extra" \
    "token add alice --bogus x" "token add alice --label" "token list a b" \
    "token del" "token del a b" "token enable"; do
	# shellcheck disable=SC2086
	run -d "$DB" $args
	result "$([ $rc -eq 2 ] && grep -q '^usage: ' "$T/err" &&
	    [ ! -s "$T/out" ] && echo 1 || echo 0)" "usage: $args"
done

# --- token add: refusals, nothing written -----------------------------------
run -d "$DB" token add carol
expect "add: no such user" 1 "" "portcullis: user carol: no such user"
run -d "$DB" token add 'a:b'
expect "add: a bad user name" 1 "" "portcullis: user name: must be 1-255 bytes of UTF-8 without ':' or control characters"
run -d "$DB" token add alice --roles ed,nope
expect "add: a role the owner does not hold" 1 "" \
    "portcullis: token add: role nope: the user does not hold it"
run -d "$DB" token add alice --roles ed,,adm
expect "add: an empty role name" 1 "" \
    "portcullis: token add: --roles: an empty role name"
run -d "$DB" token add alice --expires 2026-1-1
expect "add: a date of another form" 1 "" "portcullis: token add: $EXP_MSG"
run -d "$DB" token add alice --expires 2026-01-01T10:00:00
expect "add: a time without Z" 1 "" "portcullis: token add: $EXP_MSG"
run -d "$DB" token add alice --expires 2026-13-01
expect "add: a month that does not exist" 1 "" "portcullis: user alice: token expires must be NULL or a date, YYYY-MM-DD[ HH:MM:SS] (UTC)"
run -d "$DB" token add alice --label "$(printf 'a\tb')"
expect "add: a control character in the label" 1 "" \
    "portcullis: token add: label must be 0-255 bytes without control characters"
sql "... no token row left by any of them" \
    "SELECT count(*) FROM tokens; SELECT count(*) FROM token_roles" "0
0"

# --- token add: the token once, its hash kept ---------------------------------
run -d "$DB" token add alice --label "ci deploy" --roles ed
T1=$(cat "$T/out")
I1=$(printf '%s' "$T1" | cut -c5-20)
result "$([ $rc -eq 0 ] && [ ! -s "$T/err" ] && token_out && echo 1 ||
    echo 0)" "add: only the token, on one line"
sql "... the row: id, owner, label, no expiry, enabled, limited" \
    "SELECT id, user, label, expires IS NULL, disabled, limited,
	hash = '$(sha256 "$T1")' FROM tokens" "$I1|alice|ci deploy|1|0|1|1"
sql "... its role" "SELECT token, role FROM token_roles" "$I1|ed"
sql "... the secret is nowhere in the database" \
    "SELECT count(*) FROM tokens WHERE hash LIKE '%$(printf '%s' "$T1" |
	cut -c22-)%' OR label LIKE '%pct_%'" "0"

run -d "$DB" token add alice --expires 2020-01-01T10:00:00Z
T2=$(cat "$T/out")
I2=$(printf '%s' "$T2" | cut -c5-20)
result "$([ $rc -eq 0 ] && token_out && echo 1 || echo 0)" \
    "add --expires with a time"
sql "... stored as the schema's UTC form" \
    "SELECT expires, limited FROM tokens WHERE id = '$I2'" \
    "2020-01-01 10:00:00|0"
run -d "$DB" token add bob --expires 2999-12-31
T3=$(cat "$T/out")
I3=$(printf '%s' "$T3" | cut -c5-20)
result "$([ $rc -eq 0 ] && token_out && [ "$T3" != "$T1" ] && echo 1 ||
    echo 0)" "add: another token, another secret"

# --- token list ---------------------------------------------------------------
# Ordered by owner, then id.
if [ "$I1" \< "$I2" ]; then
	ALICE="$I1 alice enabled C - ed ci deploy
$I2 alice expired C 2020-01-01T10:00:00Z *"
else
	ALICE="$I2 alice expired C 2020-01-01T10:00:00Z *
$I1 alice enabled C - ed ci deploy"
fi
BOB="$I3 bob enabled C 2999-12-31T00:00:00Z *"
run -d "$DB" token list
check_eq_out "list: every token, no hash" "$ALICE
$BOB"
result "$(grep -c "$(sha256 "$T1")" "$T/out" | grep -qx 0 && echo 1 ||
    echo 0)" "... the hash is not printed"
run -d "$DB" token list bob
check_eq_out "list USER: that user's" "$BOB"
run -d "$DB" token list nobody
expect "list: no such user, no tokens" 0 "" ""

# --- disable, enable, del -----------------------------------------------------
run -d "$DB" token disable "$I3"
expect "disable" 0 "token $I3 disabled" ""
sql "... the row" "SELECT disabled FROM tokens WHERE id = '$I3'" "1"
run -d "$DB" token list bob
check_eq_out "... list shows it" "$I3 bob disabled C 2999-12-31T00:00:00Z *"
run -d "$DB" token enable "$I3"
expect "enable" 0 "token $I3 enabled" ""
sql "... the row" "SELECT disabled FROM tokens WHERE id = '$I3'" "0"
run -d "$DB" token disable ffffffffffffffff
expect "disable: no such token" 1 "" \
    "portcullis: token ffffffffffffffff: no such token"
run -d "$DB" token del "$T1"
expect "del: the whole token is not an id" 1 "" "portcullis: token id: $ID_MSG"
run -d "$DB" token enable ABCDEF0123456789
expect "enable: upper case is not an id" 1 "" "portcullis: token id: $ID_MSG"

# --- check --token: the server's decision, the token on stdin ----------------
run -i "$T1
" -d "$DB" check --mode auth_request --token "$I1" GET /ed/x
expect "check --token: allowed, with the token's roles" 0 "mode: auth_request (--mode)
path: /ed/x
host: -
resource: /ed/**
rule: 1
user: alice
token: $I1
reason: grant-role
status: 200 OK
Status: 200 OK
X-Portcullis-User: alice
X-Portcullis-Roles: ed
Cache-Control: no-store
Content-Length: 0" ""
run -i "$T1
" -d "$DB" check --token "$I1" GET /adm/x
expect "check --token: a role of the owner's the token lacks" 1 "$MODE_DEFAULT
path: /adm/x
host: -
resource: /adm/**
rule: -
user: alice
token: $I1
reason: no-grant
granted to: adm (token $I1 of alice has: ed)
status: 403 Forbidden
Status: 403 Forbidden
Cache-Control: no-store
Content-Type: text/plain; charset=utf-8
Content-Length: 14" ""
run -i "$T2
" -d "$DB" check --token "$I2" GET /v/x
expect "check --token: expired: 401, both challenges" 1 "$MODE_DEFAULT
path: /v/x
host: -
resource: /v/**
rule: -
user: -
token: $I2
reason: expired-token
status: 401 Unauthorized
Status: 401 Unauthorized
WWW-Authenticate: Basic realm=\"Portcullis\", charset=\"UTF-8\", Bearer realm=\"Portcullis\", error=\"invalid_token\"
Cache-Control: no-store
Content-Type: text/plain; charset=utf-8
Content-Length: 17" ""
run -i "$T3
" -d "$DB" check --token "$I1" GET /v/x
expect "check --token: another token on stdin" 1 "" \
    "portcullis: check: the token on standard input is not token --token names"
run -i "s3cret
" -d "$DB" check --token "$I1" GET /v/x
expect "check --token: no token on stdin" 1 "" \
    "portcullis: check: standard input holds no token"
run -i "$T1
" -d "$DB" check --token "$I1" GET /v/x alice
result "$([ $rc -eq 2 ] && grep -q '^usage: ' "$T/err" && echo 1 ||
    echo 0)" "check --token with USER: usage"
# Basic with the token as the password, through check USER.
run -i "$T1
" -d "$DB" check --mode auth_request GET /ed/x alice
result "$([ $rc -eq 0 ] && grep -qx "token: $I1" "$T/out" &&
    grep -qx 'X-Portcullis-Roles: ed' "$T/out" && echo 1 || echo 0)" \
    "check USER with the token as the password"
run -i "$T1
" -d "$DB" check GET /ed/x bob
result "$([ $rc -eq 1 ] && grep -qx 'reason: token-user' "$T/out" &&
    echo 1 || echo 0)" "... as another user: token-user"

# --- lint: expired tokens, limited tokens left with nothing ---------------
"$P" -d "$DB" revoke alice ed >/dev/null
run -d "$DB" token list alice
result "$(list_out | grep -qx "$I1 alice enabled C - - ci deploy" &&
    echo 1 || echo 0)" "list: a limited token whose owner lost its role: -"
run -d "$DB" lint
grep '^token ' "$T/out" >"$T/lt"
if [ "$I1" \< "$I2" ]; then
	want="token $I1: user alice holds none of the roles it is limited to: it grants only what valid-user does
token $I2: expired 2020-01-01T10:00:00Z: it cannot log in any more (portcullis token del $I2)"
else
	want="token $I2: expired 2020-01-01T10:00:00Z: it cannot log in any more (portcullis token del $I2)
token $I1: user alice holds none of the roles it is limited to: it grants only what valid-user does"
fi
result "$([ $rc -eq 1 ] && [ "$(cat "$T/lt")" = "$want" ] && echo 1 ||
    echo 0)" "lint: the two token findings"
"$P" -d "$DB" grant alice ed >/dev/null
run -d "$DB" token del "$I2"
expect "del" 0 "token $I2 deleted" ""
run -d "$DB" token del "$I2"
expect "del: again" 1 "" "portcullis: token $I2: no such token"
run -d "$DB" lint
result "$([ $rc -eq 0 ] && ! grep -q '^token ' "$T/out" && echo 1 ||
    echo 0)" "lint: no token finding left"

# --- export leaves tokens out -------------------------------------------------
run -d "$DB" export
result "$([ $rc -eq 0 ] && ! grep -qi 'token\|pct_' "$T/out" &&
    ! grep -q "$(sha256 "$T1")" "$T/out" && echo 1 || echo 0)" \
    "export: no token, id or hash"
run -d "$DB" export --format json
result "$([ $rc -eq 0 ] && ! grep -qi 'token\|pct_' "$T/out" && echo 1 ||
    echo 0)" "export --format json: none either"

# --- cascades -----------------------------------------------------------------
"$P" -d "$DB" grant bob adm >/dev/null
run -d "$DB" token add bob --roles adm
I4=$(cut -c5-20 "$T/out")
"$P" -d "$DB" role del adm >/dev/null
sql "role del: out of the token's roles, the token stays limited" \
    "SELECT token, role FROM token_roles WHERE token = '$I4';
     SELECT limited FROM tokens WHERE id = '$I4'" "1"
"$P" -d "$DB" user del alice >/dev/null
sql "user del: its tokens and their roles go" \
    "SELECT count(*) FROM tokens WHERE user = 'alice';
     SELECT count(*) FROM token_roles WHERE token = '$I1'" "0
0"
# A plain sqlite3 shell, foreign_keys off: the triggers hold.
"$SQLITE3" -batch "$DB" "UPDATE users SET name = 'robert' WHERE name = 'bob'"
sql "sqlite3: a user renamed keeps its tokens" \
    "SELECT user FROM tokens ORDER BY id" "robert
robert"
"$SQLITE3" -batch "$DB" "DELETE FROM users WHERE name = 'robert'"
sql "sqlite3: a user deleted takes its tokens" \
    "SELECT count(*) FROM tokens" "0"

# --- what the schema refuses --------------------------------------------------
printf 's3cret\n' | "$P" -d "$DB" user add carol 2>/dev/null
"$P" -d "$DB" role add ed2 >/dev/null
H=$(sha256 x)
refuse() {
	"$SQLITE3" -batch "$DB" "$2" >"$T/sql" 2>&1
	if grep -qF "$3" "$T/sql"; then
		ok "$1"
	else
		fail "$1"
		sed 's/^/# /' "$T/sql"
	fi
}
refuse "schema: an id of 15 digits" "INSERT INTO tokens (id, user, hash)
    VALUES ('0123456789abcde', 'carol', '$H')" \
    "token id must be 16 lowercase hex digits"
refuse "schema: an id in upper case" "INSERT INTO tokens (id, user, hash)
    VALUES ('0123456789ABCDEF', 'carol', '$H')" \
    "token id must be 16 lowercase hex digits"
refuse "schema: a hash in upper case" "INSERT INTO tokens (id, user, hash)
    VALUES ('0123456789abcdef', 'carol', upper('$H'))" \
    "token hash must be 64 lowercase hex digits"
refuse "schema: no such user" "INSERT INTO tokens (id, user, hash)
    VALUES ('0123456789abcdef', 'nobody', '$H')" \
    "tokens: no such user (add it to users first)"
refuse "schema: disabled 2" "INSERT INTO tokens (id, user, hash, disabled)
    VALUES ('0123456789abcdef', 'carol', '$H', 2)" \
    "token disabled must be 0 or 1"
refuse "schema: a bad expiry" "INSERT INTO tokens (id, user, hash, expires)
    VALUES ('0123456789abcdef', 'carol', '$H', 'soon')" \
    "token expires must be NULL or a date"
"$SQLITE3" -batch "$DB" "INSERT INTO tokens (id, user, hash, limited)
    VALUES ('0123456789abcdef', 'carol', '$H', 1)"
refuse "schema: a role the owner does not hold" \
    "INSERT INTO token_roles VALUES ('0123456789abcdef', 'ed2')" \
    "token_roles: the token's owner does not hold that role"
refuse "schema: the id cannot change" \
    "UPDATE tokens SET id = '1123456789abcdef'" \
    "tokens: the id is part of the token: make a new one"

finish token
