#!/bin/sh
# lint.sh: `portcullis lint`, one crafted rule set per finding.
#
# Each case makes a fresh database (portcullis init, then rows through
# the sqlite3 shell, $SQLITE3, else sqlite3) and asserts the exact
# findings and exit status: 0 and no output for a clean set, 1 with
# one line per finding, 2 on an error.  Prints "ok N - ..." or
# "not ok N - ..." per assertion, then "lint: P passed, F failed".

set -u

name=lint
. "${top_srcdir:-.}/tests/clilib.sh"

# Everyone's user: u1, holding viewer, editor and admin.
BASE="INSERT INTO users (name, hash) VALUES ('u1', '\$y\$j9T\$abc\$def');
INSERT INTO roles (name) VALUES ('viewer'), ('editor'), ('admin');
INSERT INTO members (user, role)
    VALUES ('u1', 'viewer'), ('u1', 'editor'), ('u1', 'admin');"

# mkdb NAME SQL: a fresh database $T/NAME.db with BASE and SQL in it,
# as $DB.
mkdb() {
	DB=$T/$1.db
	"$P" -d "$DB" init || echo "# init $DB failed"
	"$SQLITE3" -batch "$DB" "$BASE
$2" || echo "# setup of $DB failed"
}

# rules PATTERN METHODS PRINCIPAL [HOST]...: INSERT statements for
# rules 1, 2, ... in order (groups of three or four, ";" between).
rules() {
	_id=0
	_sql=
	while [ $# -gt 0 ]; do
		_id=$((_id + 1))
		_host=NULL
		if [ $# -ge 4 ] && [ "$4" != ";" ]; then
			_host="'$4'"
		fi
		_sql="$_sql
INSERT INTO rules (id, pattern, methods, principal, host)
    VALUES ($_id, '$1', '$2', '$3', $_host);"
		shift 3
		[ $# -gt 0 ] && [ "$1" != ";" ] && shift
		[ $# -gt 0 ] && shift
	done
	printf '%s\n' "$_sql"
}

# --- a clean set ----------------------------------------------------------
mkdb clean "$(rules '/public/**' GET all \; '/docs/**' GET viewer \; \
    '/docs/**' GET,PUT,DELETE editor \; '/docs/private/**' GET editor \; \
    / GET all \; '/x' GET admin \; '/x/**' GET admin)"
run -d "$DB" lint
expect "a clean rule set: exit 0, no output" 0 "" ""

# --- 1. methods -------------------------------------------------------------
mkdb methods "$(rules '/m/**' 'GET,get' viewer \; '/n/**' 'FETCH,Put' editor \
    \; '/o/**' 'PROPFIND,MKCOL' editor)"
run -d "$DB" lint
expect "lower-case and unknown methods" 1 \
    "rule 1: method get is not GET (methods are case-sensitive) and matches no request
rule 2: unknown method FETCH (not in RFC 9110, 5789 or 4918)
rule 2: method Put is not PUT (methods are case-sensitive) and matches no request" ""

# --- 2. HEAD without GET ------------------------------------------------------
mkdb head "$(rules '/h/**' HEAD viewer \; '/i/**' HEAD,POST viewer \; \
    '/i/**' GET valid-user \; '/j/**' GET,HEAD editor)"
run -d "$DB" lint
expect "HEAD without GET (GET to valid-user covers viewer)" 1 \
    "rule 1: HEAD without GET for viewer on /h/**: HEAD shows what GET would (status, size, dates) while GET is refused" ""

# --- 3. shadowed rules ----------------------------------------------------------
mkdb shadow "$(rules '/d/**' GET viewer \; '/d/**' GET viewer \; \
    '/e/**' GET editor \; '/e/**' GET all \; \
    '/f/**' GET editor \; '/f/**' PUT editor \; '/f/**' GET,PUT editor \; \
    '/g/**' '*' editor \; '/g/**' DELETE editor \; \
    '/k/**' GET valid-user \; '/k/**' GET,POST admin)"
run -d "$DB" lint
expect "shadowed: duplicate, by all, by two rules, by *" 1 \
    "rule 2: shadowed by rule 1 (same resource /d/**, GET to viewer)
rule 3: shadowed by rule 4 (same resource /e/**, GET to editor)
rule 7: shadowed by rules 5,6 (same resource /f/**, GET,PUT to editor)
rule 9: shadowed by rule 8 (same resource /g/**, DELETE to editor)" ""

# --- 4. roles nobody holds ----------------------------------------------------------
mkdb roles "INSERT INTO roles (name) VALUES ('ghost'), ('spare');
$(rules '/g/**' GET ghost \; '/g/**' PUT ghost \; '/v/**' GET viewer)"
run -d "$DB" lint
expect "rules for a role no user holds" 1 \
    "rules 1,2: role ghost: no user holds it, so the rules grant nothing" ""

# --- 5. resources without rules --------------------------------------------------
mkdb norules "INSERT INTO resources (pattern, host)
    VALUES ('/old/**', NULL), ('/old/**', 'ex.org');"
run -d "$DB" lint
expect "resources without rules" 1 \
    "resource /old/**: no rules, so every request it decides is answered 405
resource /old/** host ex.org: no rules, so every request it decides is answered 405" ""

# --- 6. resources never chosen --------------------------------------------------
mkdb hidden "$(rules /a GET all \; /a/ GET all \; '/a/*' GET all \; \
    '/a/*/**' GET all \; '/a/**' PUT editor \; '/b/**' PUT editor \; \
    /b GET all \; '/b/*' GET all)"
run -d "$DB" lint
expect "a resource hidden by more specific ones (/b/** is not: /b/)" 1 \
    "rule 5: resource /a/** is never chosen: /a, /a/, /a/*, /a/*/** are more specific wherever it matches
rule 8: resource /b/* does not match /b/*/, which /b/** decides instead" ""

# --- 7. host-bound resources ---------------------------------------------------------
mkdb host "$(rules '/h/**' GET,PUT all \; '/h/**' PUT all ex.org \; \
    '/s/**' GET viewer \; '/s/**' GET,PUT valid-user ex.org)"
run -d "$DB" lint
expect "a host-bound resource drops the any-host grants" 1 \
    "rule 1: does not apply on host ex.org, where resource /h/** host ex.org decides: GET to all is not granted there" ""

# --- 8. all catch-alls over protected subtrees ---------------------------------------------
mkdb catchall "$(rules '/**' GET,POST all \; '/admin/**' GET admin \; \
    '/admin/keys/**' GET admin \; '/pub/**' GET,POST all)"
run -d "$DB" lint
expect "an all catch-all over a protected subtree" 1 \
    "rules 1,2: /admin/** overrides /** (GET,POST to all) where it matches: only its own rules apply there; POST: 405" ""
mkdb catchall2 "$(rules '/**' '*' all \; '/in/**' GET,PUT valid-user)"
run -d "$DB" lint
expect "a * catch-all over a subtree naming methods" 1 \
    "rules 1,2: /in/** overrides /** (* to all) where it matches: only its own rules apply there; methods it does not name: 405" ""
mkdb catchall3 "$(rules '/**' '*' all \; '/in/**' '*' admin)"
run -d "$DB" lint
expect "a * catch-all over a subtree naming *" 1 \
    "rules 1,2: /in/** overrides /** (* to all) where it matches: only its own rules apply there" ""

# --- 9. trailing slashes --------------------------------------------------------------
mkdb slash "$(rules /x GET admin \; /y GET admin \; '/y/**' GET admin \; \
    /z GET admin \; '/**' GET valid-user \; '/u/*/avatar' GET admin \; \
    /w GET admin \; /w/ GET admin)"
run -d "$DB" lint
expect "exact resources a trailing slash escapes" 1 \
    "rule 6: resource /u/*/avatar does not match /u/*/avatar/, which /** decides instead
rule 1: resource /x does not match /x/, which /** decides instead
rule 4: resource /z does not match /z/, which /** decides instead" ""
mkdb slash2 "$(rules /status GET all)"
run -d "$DB" lint
expect "... or that no resource matches" 1 \
    "rule 1: resource /status does not match /status/, which no resource matches (403)" ""

# --- 10. users' hashes -------------------------------------------------------------------
mkdb users "INSERT INTO users (name, hash) VALUES
    ('bob', '\$5\$abcdefghijklmnop\$0123456789012345678901234567890123456789012'),
    ('gina', '\$6\$abcdefghijklmnop\$0123456789'),
    ('hank', '\$2b\$05\$0123456789012345678901');
PRAGMA ignore_check_constraints = ON;
INSERT INTO users (name, hash) VALUES
    ('dave', '\$apr1\$abcdefgh\$0123456789012345678901'),
    ('erin', '{SHA}0123456789012345678901234567='),
    ('ivan', 'ivan-pw'),
    ('jo', '\$1\$abcdefgh\$0123456789012345678901'),
    ('kim', '\$7\$CU..../....abcdef\$0123');"
run -d "$DB" lint
expect "legacy and unsupported hashes" 1 \
    "user bob: legacy hash \$5\$ (sha256crypt); set a new password
user dave: unsupported hash \$apr1\$ (Apache MD5), which never verifies; set a new password
user erin: unsupported hash {SHA} (unsalted SHA-1), which never verifies; set a new password
user ivan: unsupported hash (plaintext or DES), which never verifies; set a new password
user jo: unsupported hash \$1\$ (md5crypt), which never verifies; set a new password
user kim: unsupported hash \$7\$ (scrypt), which never verifies; set a new password" ""

# --- errors -------------------------------------------------------------------
run -d "$T/none.db" lint
expect "a missing database: exit 2" 2 "" \
    "portcullis: $T/none.db: No such file or directory"
run -d "$DB" lint extra
_ok=0
[ "$rc" -eq 2 ] && grep -q '^usage: portcullis' "$T/err" && _ok=1
result $_ok "lint takes no arguments: usage, exit 2"

echo "lint: $npass passed, $nfail failed"
[ "$nfail" -eq 0 ]
