#!/bin/sh
# cert.sh: `portcullis cert` (client certificates, issue 12;
# sql/0008-certificates.sql) end to end: the exact stdout, stderr and
# exit status of cert add|list|del, `check --cert` and `check
# --subject`, the certificate findings of `lint`, what `export` writes,
# and the rows left behind.  The certificate is made with openssl at
# test time; its fingerprint is openssl's, so that Portcullis's
# SHA-256 of the DER is checked against another implementation.

set -u

. "${top_srcdir:-.}/tests/clilib.sh"

command -v openssl >/dev/null 2>&1 || { echo "openssl not found: skip"; exit 77; }

# list_out: the last run's stdout with CREATED (4th field) as "C".
list_out() {
	sed -E 's/^([^ ]+ [^ ]+ [^ ]+) [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z /\1 C /' "$T/out"
}
check_list() {
	if [ "$(list_out)" = "$2" ]; then
		ok "$1"
	else
		fail "$1"
		list_out | sed 's/^/# got: /'
		printf '%s\n' "$2" | sed 's/^/# want: /'
	fi
}

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$T/a.key" -out "$T/a.pem" -subj "/CN=alice/O=Example" \
    -days 2 >/dev/null 2>&1 || exit 99
FP=$(openssl x509 -in "$T/a.pem" -outform DER | sha256sum | cut -d' ' -f1)
FPC=$(openssl x509 -in "$T/a.pem" -noout -fingerprint -sha256 | sed 's/.*=//')
printf 'not a certificate\n' >"$T/bad.pem"

"$P" -d "$DB" init >/dev/null || exit 1
printf 's3cret\n' | "$P" -d "$DB" user add alice 2>/dev/null
printf 's3cret\n' | "$P" -d "$DB" user add bob 2>/dev/null
"$P" -d "$DB" role add ed >/dev/null
"$P" -d "$DB" grant alice ed >/dev/null
"$P" -d "$DB" rule add '/ed/**' GET ed >/dev/null
"$P" -d "$DB" rule add '/v/**' GET valid-user >/dev/null

# --- usage ----------------------------------------------------------------
for args in "cert" "cert frob" "cert add" "cert add alice" \
    "cert add alice --pem x --subject y" "cert add alice --issuer y" \
    "cert add alice --subject y extra" "cert add alice --bogus x" \
    "cert list a b" "cert del" "cert del 1 2" "cert del --issuer x"; do
	# shellcheck disable=SC2086
	run -d "$DB" $args
	result "$([ $rc -eq 2 ] && grep -q '^usage: portcullis \[-d DB\] cert add' "$T/err" &&
	    [ ! -s "$T/out" ] && echo 1 || echo 0)" "usage: $args"
done

# --- add -------------------------------------------------------------------
run -d "$DB" cert add alice --pem "$T/a.pem" --comment 'laptop "1"'
expect "add --pem: its fingerprint, openssl's" 0 \
    "certificate 1 of alice added: fingerprint $FP" ""
run -d "$DB" cert add bob --fingerprint "$FPC"
expect "the same certificate for another user: refused" 1 "" \
    "portcullis: cert add: that certificate is mapped already (portcullis cert list)"
run -d "$DB" cert add bob --subject 'CN=bob,O=Example' --issuer 'CN=CA'
expect "add --subject --issuer" 0 \
    'certificate 2 of bob added: subject "CN=bob,O=Example" issuer "CN=CA"' ""
run -d "$DB" cert add bob --subject 'CN=b"ob'
expect "add --subject alone, quoted back" 0 \
    'certificate 3 of bob added: subject "CN=b\"ob"' ""
run -d "$DB" cert add alice --subject 'CN=bob,O=Example' --issuer 'CN=CA2'
expect "a subject maps to one user" 1 "" \
    "portcullis: cert add: certificates: that subject maps to another user"
run -d "$DB" cert add bob --subject 'CN=bob,O=Example' --issuer 'CN=CA'
expect "a (subject, issuer) once" 1 "" \
    "portcullis: cert add: that certificate is mapped already (portcullis cert list)"
run -d "$DB" cert add nobody --subject 'CN=x'
expect "no such user" 1 "" "portcullis: user nobody: no such user"
run -d "$DB" cert add alice --pem "$T/bad.pem"
expect "--pem of something else" 1 "" \
    "portcullis: $T/bad.pem: not one PEM certificate (bad-pem)"
run -d "$DB" cert add alice --pem "$T/none.pem"
expect "--pem of no file" 1 "" \
    "portcullis: $T/none.pem: No such file or directory"
run -d "$DB" cert add alice --fingerprint abc
expect "--fingerprint too short" 1 "" \
    "portcullis: cert add: --fingerprint must be 64 hex digits (the SHA-256 of the DER certificate)"
run -d "$DB" cert add alice --subject ''
expect "an empty subject" 1 "" \
    "portcullis: cert add: --subject must be 1-1024 bytes without control characters"
run -d "$DB" cert add alice --subject "$(printf 'CN=a\tb')"
expect "a control character in a subject" 1 "" \
    "portcullis: cert add: --subject must be 1-1024 bytes without control characters"

# --- list ------------------------------------------------------------------
run -d "$DB" cert list
check_list "list: every row, user's state, quoted DNs" \
"1 alice enabled C fingerprint=$FP comment=\"laptop \\\"1\\\"\"
2 bob enabled C subject=\"CN=bob,O=Example\" issuer=\"CN=CA\"
3 bob enabled C subject=\"CN=b\\\"ob\""
run -d "$DB" cert list alice
check_list "list USER" "1 alice enabled C fingerprint=$FP comment=\"laptop \\\"1\\\"\""

# --- check --cert ----------------------------------------------------------
run -d "$DB" check --mode auth_request --cert "$T/a.pem" GET /ed/x
expect "check --cert: the mapped user, no password" 0 "mode: auth_request (--mode)
path: /ed/x
host: -
resource: /ed/**
rule: 1
user: alice
certificate: $(printf %.16s "$FP")
reason: grant-role
status: 200 OK
Status: 200 OK
X-Portcullis-User: alice
X-Portcullis-Roles: ed
Cache-Control: no-store
Content-Length: 0" ""
run -d "$DB" check --mode auth_request --subject 'CN=bob,O=Example' \
    --issuer 'CN=CA2' GET /v/x
expect "check --subject with another issuer: not mapped" 1 "mode: auth_request (--mode)
path: /v/x
host: -
resource: /v/**
rule: -
user: -
certificate: subject, not used: unmapped-cert
reason: no-credentials
status: 401 Unauthorized
Status: 401 Unauthorized
WWW-Authenticate: Basic realm=\"Portcullis\", charset=\"UTF-8\"
Cache-Control: no-store
Content-Type: text/plain; charset=utf-8
Content-Length: 17" ""
run -i 's3cret
' -d "$DB" check --mode auth_request --subject 'CN=nobody' GET /v/x bob
expect "an unmapped certificate: the password decides" 0 "mode: auth_request (--mode)
path: /v/x
host: -
resource: /v/**
rule: 2
user: bob
certificate: subject, not used: unmapped-cert
reason: grant-valid-user
status: 200 OK
Status: 200 OK
X-Portcullis-User: bob
X-Portcullis-Roles: 
Cache-Control: no-store
Content-Length: 0" ""
run -d "$DB" check --mode auth_request --cert "$T/bad.pem" GET /v/x
expect "check --cert of no certificate: bad-cert" 1 "mode: auth_request (--mode)
path: /v/x
host: -
resource: /v/**
rule: -
user: -
certificate: -, not used: bad-cert
reason: no-credentials
status: 401 Unauthorized
Status: 401 Unauthorized
WWW-Authenticate: Basic realm=\"Portcullis\", charset=\"UTF-8\"
Cache-Control: no-store
Content-Type: text/plain; charset=utf-8
Content-Length: 17" ""

# --- lint ------------------------------------------------------------------
run -d "$DB" lint
expect "lint: a subject from any CA where others pin theirs" 1 \
    'certificate 3: subject "CN=b\"ob" is taken from any CA the server trusts, where other rows name their issuer (portcullis cert add bob --subject DN --issuer DN)' ""
"$P" -d "$DB" user disable bob >/dev/null
run -d "$DB" lint
expect "lint: the rows of a disabled user" 1 \
    'certificate 2: user bob is disabled: the certificate logs no one in
certificate 3: user bob is disabled: the certificate logs no one in
certificate 3: subject "CN=b\"ob" is taken from any CA the server trusts, where other rows name their issuer (portcullis cert add bob --subject DN --issuer DN)' ""
run -d "$DB" check --mode auth_request --subject 'CN=bob,O=Example' \
    --issuer 'CN=CA' GET /v/x
result "$([ $rc -eq 1 ] && grep -qx 'certificate: subject, not used: disabled-user' "$T/out" && echo 1 || echo 0)" \
    "check: a disabled user's certificate is not used"
"$P" -d "$DB" user enable bob >/dev/null

# --- del -------------------------------------------------------------------
run -d "$DB" cert del --subject 'CN=b"ob'
expect "del --subject" 0 "certificate 3 deleted" ""
run -d "$DB" cert del --subject 'CN=bob,O=Example'
expect "del --subject names the row without an issuer" 1 "" \
    "portcullis: cert del: no such certificate"
run -d "$DB" cert del --subject 'CN=bob,O=Example' --issuer 'CN=CA'
expect "del --subject --issuer" 0 "certificate 2 deleted" ""
run -d "$DB" cert del --pem "$T/a.pem"
expect "del --pem" 0 "certificate 1 deleted" ""
run -d "$DB" cert del 1
expect "del ID of no row" 1 "" "portcullis: cert del: no such certificate"
run -d "$DB" cert del x1
expect "del of no id" 1 "" \
    "portcullis: cert del: not a certificate id (portcullis cert list shows them)"
run -d "$DB" cert add alice --fingerprint "$FPC"
expect "add --fingerprint in openssl's form" 0 \
    "certificate 1 of alice added: fingerprint $FP" ""
run -d "$DB" cert del 1
expect "del ID" 0 "certificate 1 deleted" ""
sql "no row left" "SELECT count(*) FROM certificates" "0"

# --- export and import policy: identity data, like members ------------------
"$P" -d "$DB" cert add alice --pem "$T/a.pem" --comment "it's" >/dev/null
"$P" -d "$DB" cert add bob --subject 'O=Example,CN=bob' \
    --issuer 'O=Example,CN=CA' >/dev/null
"$P" -d "$DB" cert add bob --subject 'O=Example,CN=bob' >/dev/null
run -d "$DB" export
grep '^INSERT INTO certificates' "$T/out" >"$T/certs.sql"
check_eq "export: the certificate rows, by key (NULL first)" \
    "$(cat "$T/certs.sql")" \
"INSERT INTO certificates (fingerprint, subject, issuer, user, comment) VALUES (NULL, 'O=Example,CN=bob', NULL, 'bob', '');
INSERT INTO certificates (fingerprint, subject, issuer, user, comment) VALUES (NULL, 'O=Example,CN=bob', 'O=Example,CN=CA', 'bob', '');
INSERT INTO certificates (fingerprint, subject, issuer, user, comment) VALUES ('$FP', NULL, NULL, 'alice', 'it''s');"
cp "$T/out" "$T/e.sql"
"$P" -d "$T/fresh.db" init >/dev/null
run -d "$T/fresh.db" import policy "$T/e.sql"
result "$([ $rc -eq 0 ] && grep -qx "added certificate fingerprint $FP of alice" "$T/out" &&
    grep -qx 'added certificate subject "O=Example,CN=bob" issuer "O=Example,CN=CA" of bob' "$T/out" &&
    grep -qx 'added certificate subject "O=Example,CN=bob" of bob' "$T/out" &&
    echo 1 || echo 0)" "import policy: the certificate rows added"
run -d "$T/fresh.db" export
check_eq "the round trip: the same export" "$(cat "$T/out")" "$(cat "$T/e.sql")"
run -d "$T/fresh.db" import policy "$T/e.sql"
expect "import policy again: nothing to change" 0 "no changes" ""
sed "s/'it''s');\$/'laptop');/" "$T/e.sql" >"$T/e2.sql"
run -d "$T/fresh.db" import policy "$T/e2.sql"
expect "import policy: a changed comment replaces the row" 0 \
"deleted certificate fingerprint $FP of alice
added certificate fingerprint $FP of alice" ""
grep -v "'O=Example,CN=CA', 'bob'" "$T/e.sql" |
    sed "s/'O=Example,CN=bob', NULL, 'bob'/'O=Example,CN=bob', NULL, 'nobody'/" >"$T/e3.sql"
run -d "$T/fresh.db" import policy "$T/e3.sql"
result "$([ $rc -ne 0 ] && grep -q 'certificate of nobody: no user nobody in the file or the database' "$T/err" &&
    echo 1 || echo 0)" "import policy: a certificate of no user is refused"
"$P" -d "$DB" cert del --pem "$T/a.pem" >/dev/null
"$P" -d "$DB" cert del --subject 'O=Example,CN=bob' >/dev/null
"$P" -d "$DB" cert del --subject 'O=Example,CN=bob' --issuer 'O=Example,CN=CA' >/dev/null

# --- users: rename and delete carry the rows -------------------------------
"$P" -d "$DB" cert add bob --subject 'CN=bob' >/dev/null
"$SQLITE3" "$DB" "UPDATE users SET name = 'robert' WHERE name = 'bob'"
sql "a renamed user keeps its certificate (sqlite3 shell)" \
    "SELECT user, subject FROM certificates" "robert|CN=bob"
run -d "$DB" user del robert
sql "a deleted user's certificates go" "SELECT count(*) FROM certificates" "0"

finish cert.sh
