#!/bin/sh
# lint.sh: `portcullis lint`, one crafted rule set per finding.
#
# Each case makes a fresh database (portcullis init, then rows through
# the sqlite3 shell, $SQLITE3, else sqlite3) and asserts the exact
# findings and exit status: 0 and no output for a clean set, 1 with
# one line per finding, 2 on an error ("note:" lines are no finding).
# Prints "ok N - ..." or "not ok N - ..." per assertion, then
# "lint: P passed, F failed".

set -u

. "${top_srcdir:-.}/tests/clilib.sh"

# What lint notes for every host that rules are bound to.
NOTE_EXORG="note: host ex.org: its rules protect only if the server passes the virtual host it chose (PORTCULLIS_HOST in its configuration); any other Host a client sends gets the any-host rules"

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
resource /old/** host ex.org: no rules, so every request it decides is answered 405
$NOTE_EXORG" ""

# --- 6. resources never chosen --------------------------------------------------
mkdb hidden "$(rules /a GET all \; /a/ GET all \; '/a/*' GET all \; \
    '/a/*/**' GET all \; '/a/**' PUT editor \; '/b/**' PUT editor \; \
    /b GET all \; '/b/*' GET all)"
run -d "$DB" lint
expect "a resource hidden by more specific ones (/b/** is not: /b/)" 1 \
    "rule 5: resource /a/** is never chosen: /a, /a/, /a/*, /a/*/** are more specific wherever it matches
rules 6,7: resource /b and /b/**, which decides /b/, grant differently (GET to all only at /b; PUT to editor only at /b/): a server redirects /b to /b/ when it is a directory, and serves its index there
rule 8: resource /b/* does not match /b/*/, which /b/** decides instead" ""

# --- 7. host-bound resources ---------------------------------------------------------
mkdb host "$(rules '/h/**' GET,PUT all \; '/h/**' PUT all ex.org \; \
    '/s/**' GET viewer \; '/s/**' GET,PUT valid-user ex.org)"
run -d "$DB" lint
expect "a host-bound resource drops the any-host grants" 1 \
    "$NOTE_EXORG
rule 1: does not apply on host ex.org, where resource /h/** host ex.org decides: GET to all is not granted there, but a request with any other Host gets it" ""

# Issue 7, item 5: the attack's fixture.  With the protected host as
# the server's default, a request with any other Host got the any-host
# rules: lint says what a host-bound rule needs, and flags the weaker
# any-host rule that decides its paths for other hosts (the one with
# its pattern, else the most specific: /** for /admin/**).
mkdb host2 "$(rules '/**' GET all \; '/**' GET admin secret.example \; \
    '/admin/**' GET admin ex.org \; '/pub/**' GET all ex.org)"
run -d "$DB" lint
expect "host-bound rules: a note per host, and the weaker fall-back" 1 \
    "note: host secret.example: its rules protect only if the server passes the virtual host it chose (PORTCULLIS_HOST in its configuration); any other Host a client sends gets the any-host rules
$NOTE_EXORG
rule 1: does not apply on host secret.example, where resource /** host secret.example decides: GET to all is not granted there, but a request with any other Host gets it
rule 1: does not apply to /admin/** on host ex.org, where resource /admin/** host ex.org decides: GET to all is not granted there, but a request with any other Host gets it
rules 1,3: /admin/** host ex.org overrides /** (GET to all) where it matches: only its own rules apply there" ""
mkdb host3 "$(rules '/**' GET admin \; '/**' GET admin ex.org)"
run -d "$DB" lint
expect "... only the note when the fall-back grants no more: exit 0" 0 \
    "$NOTE_EXORG" ""

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
# Issue 7, item 4: /x and /x/ that grant differently are crossed by
# a server's redirect of a directory /x to /x/ and its index there.
mkdb slash3 "$(rules /x GET admin \; /x/ GET all \; /y GET,PUT editor \; \
    '/y/**' GET editor \; /z GET admin \; '/z/**' GET admin)"
run -d "$DB" lint
expect "/x and /x/ (or /x/**) that grant differently" 1 \
    "rule 2: resource /x and /x/, which decides /x/, grant differently (GET to all only at /x/): a server redirects /x to /x/ when it is a directory, and serves its index there
rule 3: resource /y and /y/**, which decides /y/, grant differently (PUT to editor only at /y): a server redirects /y to /y/ when it is a directory, and serves its index there" ""

# Issue 7, item 4: the attack's fixture.  /docs/index.html was
# admin-only, yet GET /docs/ as a viewer returned it: servers serve
# the directory as its index.  (The index file with "/" appended is
# check 9's, as for any file.)
mkdb index "$(rules '/docs/**' GET viewer \; '/docs/**' GET admin \; \
    /docs/index.html GET admin \; '/pub/**' GET all \; \
    /pub/index.html GET all \; '/u/**' GET valid-user \; \
    '/u/*/index.htm' GET admin \; /d/ GET all \; /d/index.html GET admin)"
run -d "$DB" lint
expect "index files stricter than their directory's resource" 1 \
    "rule 9: resource /d/index.html does not match /d/index.html/, which no resource matches (403)
rule 3: resource /docs/index.html does not match /docs/index.html/, which /docs/** decides instead
rule 5: resource /pub/index.html does not match /pub/index.html/, which /pub/** decides instead
rule 7: resource /u/*/index.htm does not match /u/*/index.htm/, which /u/** decides instead
rules 8,9: resource /d/index.html grants less than /d/, which decides /d/: GET to all there reaches /d/index.html, which servers serve for /d/
rules 1,3: resource /docs/index.html grants less than /docs/**, which decides /docs/: GET to viewer there reaches /docs/index.html, which servers serve for /docs/
rules 6,7: resource /u/*/index.htm grants less than /u/**, which decides /u/*/: GET to valid-user there reaches /u/*/index.htm, which servers serve for /u/*/" ""

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

# Issue 7, item 7: a database from before version 4 may hold hashes
# over the server's cost caps (the schema refuses new ones).  Made at
# version 3 from the migrations, filled, then migrated by `init`.
V3=$T/v3.db
for f in 0001-init 0002-proxy-auth 0003-views; do
	cat "$top_srcdir/sql/$f.sql"
done | "$SQLITE3" -batch "$V3"
"$SQLITE3" -batch "$V3" "PRAGMA journal_mode = WAL; PRAGMA user_version = 3;
INSERT INTO users (name, hash) VALUES
    ('ann', '\$2b\$12\$q1mLIiDDEcVVuj8AzkLir.7Ai3.KZIt3GokCh3dAJpTXQbKfmJTqC'),
    ('bea', '\$2b\$14\$q1mLIiDDEcVVuj8AzkLir.7Ai3.KZIt3GokCh3dAJpTXQbKfmJTqC'),
    ('cy', '\$6\$rounds=10000000\$zv5A8okABRVsNTGc\$gQ81fZ7r6K.NVMTkgoy10wpzv8grUO3b'),
    ('di', '\$y\$jET\$tYjp9cUS7ZZ/ZSiHqyXDs0\$bF.p0aVTz1XKRSA1txTuh/FHaDhuHKB/ALn30Ee5YbD'),
    ('ed', '\$argon2id\$v=19\$m=262144,t=8,p=1\$c2FsdHNhbHRzYWx0\$aGFzaGhhc2hoYXNoaGFzaA'),
    ('flo', '\$y\$jBT\$tYjp9cUS7ZZ/ZSiHqyXDs0\$bF.p0aVTz1XKRSA1txTuh/FHaDhuHKB/ALn30Ee5YbD'),
    ('gus', '\$y\$j\$abcdef\$ghijkl');" >/dev/null
run -d "$V3" init
expect "a version 3 database with costly hashes migrates" 0 \
    "$(migrated "$V3" 3)" ""
run -d "$V3" lint
expect "hashes over the cost caps" 1 \
    "user bea: hash cost over the cap: bcrypt cost 14 is over 12; the server refuses it without hashing (401): set a new password
user cy: hash cost over the cap: sha-crypt rounds=10000000 is over 100000; the server refuses it without hashing (401): set a new password
user di: hash cost over the cap: yescrypt needs over 65536 KiB (N=2^17, r=32, p=1, t=0); the server refuses it without hashing (401): set a new password
user ed: hash cost over the cap: argon2 m*t=2097152 KiB is over 786432; the server refuses it without hashing (401): set a new password
user gus: unreadable \$y\$ parameters, which never verify; set a new password" ""

# --- errors -------------------------------------------------------------------
run -d "$T/none.db" lint
expect "a missing database: exit 2" 2 "" \
    "portcullis: $T/none.db: No such file or directory (make it with portcullis init)"
run -d "$DB" lint extra
_ok=0
[ "$rc" -eq 2 ] && grep -q '^usage: portcullis' "$T/err" && _ok=1
result $_ok "lint takes no arguments: usage, exit 2"

finish lint
