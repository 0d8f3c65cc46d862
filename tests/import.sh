#!/bin/sh
# import.sh: `portcullis import htpasswd|htgroup`, end to end.
#
# Makes real htpasswd files at test time with htpasswd(1) (bcrypt,
# sha512crypt, sha256crypt, $apr1$, {SHA}) and mkpasswd(1) (yescrypt,
# sha512crypt, bcrypt), imports them, and proves with `portcullis
# check` that the imported passwords work.  Asserts exact output, exit
# statuses and the rows left behind (read with $SQLITE3, else sqlite3):
# dry runs change nothing, a second import changes nothing and says
# so, a malformed line or a hash over the server's cost caps aborts the
# whole file, a policy file cannot carry hashes.  Prints "ok N - ..."
# or "not ok N - ..." per assertion, then "import: P passed, F failed".
# Exits 77 (skip) without htpasswd or mkpasswd, unless $CI is set.

set -u

. "${top_srcdir:-.}/tests/clilib.sh"

for t in htpasswd mkpasswd; do
	if ! command -v $t >/dev/null 2>&1; then
		if [ -n "${CI-}" ]; then
			echo "not ok 1 - $t is available"
			echo "import: 0 passed, 1 failed"
			exit 1
		fi
		echo "import: $t not found (apache2-utils, whois), skipping"
		exit 77
	fi
done

# pwcheck DESC USER PASSWORD RC: `check` of GET /p/x as USER with
# PASSWORD exits RC (0: allowed, 1: refused).
pwcheck() {
	run -i "$3
" -d "$DB" check GET /p/x "$2"
	if [ "$rc" -eq "$4" ]; then
		result 1 "$1"
	else
		result 0 "$1"
		echo "# exit $rc, want $4"
		sed 's/^/# /' "$T/out" "$T/err"
	fi
}

run -d "$DB" init
expect "init" 0 "$(created "$DB")" ""
run -d "$DB" rule add '/p/**' GET valid-user
expect "a rule for valid users" 0 "rule 1 added: /p/** GET valid-user" ""

# --- htpasswd ---------------------------------------------------------
# htpasswd -n prints an empty line after each entry: skipped.
PW=$T/htpasswd
{
	echo '# made by import.sh'
	htpasswd -nbB alice 'alice-pw'
	htpasswd -nb5 bob 'bob-pw'
	htpasswd -nb2 carl 'carl-pw'
	htpasswd -nbm dave 'dave-pw'
	htpasswd -nbs erin 'erin-pw'
	echo "frank:$(printf 'frank-pw\n' | mkpasswd -s -m yescrypt)"
	echo "gina:$(printf 'gina-pw\n' | mkpasswd -s -m sha512crypt)"
	echo "hank:$(printf 'hank-pw\n' | mkpasswd -s -m bcrypt)"
	echo 'ivan:ivan-pw'
	echo 'jo:abJnggxhB/yWI'
} >"$PW"
SKIPS_ADD='dave: $apr1$ hashes cannot be verified; set a new password with portcullis user add
erin: {SHA} hashes cannot be verified; set a new password with portcullis user add'
SKIP_IVAN='ivan: plaintext or DES hashes cannot be verified; set a new password with portcullis user add
jo: plaintext or DES hashes cannot be verified; set a new password with portcullis user add'

run -d "$DB" import htpasswd --dry-run "$PW"
expect "htpasswd dry run lists the changes" 0 "add user alice
add user bob
add user carl
$(echo "$SKIPS_ADD" | sed 's/^/skip /')
add user frank
add user gina
add user hank
$(echo "$SKIP_IVAN" | sed 's/^/skip /')" ""
sql "... and changes nothing" "SELECT count(*) FROM users" "0"

run -d "$DB" import htpasswd "$PW"
expect "htpasswd import" 0 "added user alice
added user bob
added user carl
$(echo "$SKIPS_ADD" | sed 's/^/skipped /')
added user frank
added user gina
added user hank
$(echo "$SKIP_IVAN" | sed 's/^/skipped /')" ""
sql "the hashes, as they were" \
    "SELECT name, substr(hash, 1, instr(substr(hash, 2), '\$') + 1),
     disabled FROM users ORDER BY name" \
    'alice|$2y$|0
bob|$6$|0
carl|$5$|0
frank|$y$|0
gina|$6$|0
hank|$2b$|0'
for u in alice bob carl frank gina hank; do
	pwcheck "check: $u's imported password works" $u "$u-pw" 0
done
pwcheck "check: a wrong password for alice is refused" alice bob-pw 1
BEFORE=$("$SQLITE3" -batch "$DB" "SELECT name, hash FROM users ORDER BY name")

run -d "$DB" import htpasswd "$PW"
expect "htpasswd again: nothing changes, and it says so" 0 \
    "$(echo "$SKIPS_ADD" | sed 's/^/skipped /')
$(echo "$SKIP_IVAN" | sed 's/^/skipped /')
no changes" ""
sql "... the users are as they were" \
    "SELECT name, hash FROM users ORDER BY name" "$BEFORE"

PW2=$T/htpasswd2
{
	htpasswd -nbB alice 'alice-new'
	grep '^bob:' "$PW"
	htpasswd -nbm carl 'carl-new'
	echo "zoe:$(printf 'zoe-pw\n' | mkpasswd -s -m yescrypt)"
} >"$PW2"
run -d "$DB" import htpasswd --dry-run "$PW2"
expect "dry run of a changed file" 0 "update hash alice
skip carl: \$apr1\$ hashes cannot be verified; set a new password with portcullis user passwd
add user zoe" ""
sql "... still changes nothing" "SELECT name, hash FROM users ORDER BY name" \
    "$BEFORE"
run -i "$(cat "$PW2")
" -d "$DB" import htpasswd -
expect "import from stdin: a hash updated, a user added" 0 \
    "updated hash alice
skipped carl: \$apr1\$ hashes cannot be verified; set a new password with portcullis user passwd
added user zoe" ""
pwcheck "check: alice's new password works" alice alice-new 0
pwcheck "check: alice's old password no longer does" alice alice-pw 1
pwcheck "check: carl keeps his password" carl carl-pw 0
pwcheck "check: zoe can log in" zoe zoe-pw 0
BEFORE=$("$SQLITE3" -batch "$DB" "SELECT name, hash FROM users ORDER BY name")

# Malformed files: line 1 would add a user, line 2 is bad.  Nothing
# is written.  Hashes over the server's caps (src/extern.h) are refused
# at their line, not skipped: the cost is what the attack used.
GOOD="nina:$(printf 'nina-pw\n' | mkpasswd -s -m yescrypt)"
BC13=$(htpasswd -nbB -C 13 u x | cut -d: -f2-)
BC31='$2y$31$q1mLIiDDEcVVuj8AzkLir.7Ai3.KZIt3GokCh3dAJpTXQbKfmJTqC'
SHA_OVER='$6$rounds=10000000$zv5A8okABRVsNTGc$gQ81fZ7r6K.NVMTkgoy10wpzv8grUO3b'
YES_OVER='$y$jCT$tYjp9cUS7ZZ/ZSiHqyXDs0$bF.p0aVTz1XKRSA1txTuh/FHaDhuHKB/ALn30Ee5YbD'
ARGON2_OVER='$argon2id$v=19$m=262144,t=8,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA'
long=$(printf '%0256d' 0)
i=0
while IFS='|' read -r desc line why; do
	i=$((i + 1))
	printf '%s\n%s\n' "$GOOD" "$line" >"$T/bad$i"
	run -d "$DB" import htpasswd "$T/bad$i"
	expect "malformed: $desc" 1 "" "portcullis: $T/bad$i:2: $why"
	run -d "$DB" import htpasswd --dry-run "$T/bad$i"
	expect "malformed, dry run: $desc" 1 "" "portcullis: $T/bad$i:2: $why"
done <<EOT
no colon|omar|no ':' after the user name
empty user name|:\$y\$j9T\$abc\$def|empty user name
empty hash|omar:|empty hash for omar
256-byte user name|$long:\$y\$j9T\$abc\$def|user name must be 1-255 bytes of UTF-8 without ':' or control characters
control byte|om$(printf '\001')ar:\$y\$j9T\$abc\$def|control character
invalid UTF-8|om$(printf '\377')ar:\$y\$j9T\$abc\$def|user name must be 1-255 bytes of UTF-8 without ':' or control characters
user named twice|nina:\$y\$j9T\$abc\$def|nina again (line 1)
hash the schema refuses|omar:\$y\$short|user omar: hash must be a bcrypt, yescrypt, sha-crypt or argon2 string (see portcullis(8))
bcrypt over the cap|omar:$BC13|user omar: hash cost over the cap: bcrypt cost 13 is over 12 (see portcullis(5))
bcrypt cost 31|omar:$BC31|user omar: hash cost over the cap: bcrypt cost 31 is over 12 (see portcullis(5))
sha-crypt over the cap|omar:$SHA_OVER|user omar: hash cost over the cap: sha-crypt rounds=10000000 is over 100000 (see portcullis(5))
yescrypt over the cap|omar:$YES_OVER|user omar: hash cost over the cap: yescrypt needs over 65536 KiB (N=2^15, r=32, p=1, t=0) (see portcullis(5))
argon2 over the cap|omar:$ARGON2_OVER|user omar: hash cost over the cap: argon2 m*t=2097152 KiB is over 786432 (see portcullis(5))
a costly hash for an existing user|alice:$BC13|user alice: hash cost over the cap: bcrypt cost 13 is over 12 (see portcullis(5))
EOT
sql "nothing written by the malformed files" \
    "SELECT name, hash FROM users ORDER BY name" "$BEFORE"

run -d "$DB" import htpasswd "$T/nosuch"
expect "a missing file" 1 "" "portcullis: $T/nosuch: No such file or directory"

# A policy file carries no hashes (export writes none): a hash column
# or an UPDATE is refused at its line, so no cost comes in that way.
HEAD='-- portcullis policy, format 1'
printf '%s\n' "$HEAD" "INSERT INTO users (name, hash, disabled, expires) VALUES ('eve', '$BC31', 0, NULL);" >"$T/pol1"
run -d "$DB" import policy "$T/pol1"
expect "policy: a users row with a hash column" 1 "" \
    "portcullis: $T/pol1:2: expected disabled"
printf '%s\n' "$HEAD" "UPDATE users SET hash = '$BC31' WHERE name = 'alice';" >"$T/pol2"
run -d "$DB" import policy "$T/pol2"
expect "policy: an UPDATE of a hash" 1 "" \
    "portcullis: $T/pol2:2: expected INSERT"
sql "nothing written by them" \
    "SELECT name, hash FROM users ORDER BY name" "$BEFORE"

# --- htgroup ----------------------------------------------------------
GR=$T/htgroup
printf '# groups\neditor: alice bob\n\nviewer:carl\tgina  hank\nempty:\neditor: alice\n' >"$GR"
run -d "$DB" import htgroup --dry-run "$GR"
expect "htgroup dry run" 0 "add role editor
grant alice editor
grant bob editor
add role viewer
grant carl viewer
grant gina viewer
grant hank viewer
add role empty" ""
sql "... changes nothing" \
    "SELECT (SELECT count(*) FROM roles), (SELECT count(*) FROM members)" \
    "0|0"
run -d "$DB" import htgroup "$GR"
expect "htgroup import" 0 "added role editor
granted alice editor
granted bob editor
added role viewer
granted carl viewer
granted gina viewer
granted hank viewer
added role empty" ""
sql "roles and members" \
    "SELECT r.name, ifnull(group_concat(m.user), '-') FROM roles AS r
     LEFT JOIN members AS m ON m.role = r.name GROUP BY r.name
     ORDER BY r.name" \
    "editor|alice,bob
empty|-
viewer|carl,gina,hank"
run -d "$DB" import htgroup "$GR"
expect "htgroup again: no changes" 0 "no changes" ""

printf 'ops: zoe\nadmins: alice nobody\n' >"$T/gbad1"
run -d "$DB" import htgroup "$T/gbad1"
expect "htgroup: an unknown user aborts, naming the line" 1 "" \
    "portcullis: $T/gbad1:2: no such user nobody (import the htpasswd file first)"
printf 'ops: zoe\nall: alice\n' >"$T/gbad2"
run -d "$DB" import htgroup "$T/gbad2"
expect "htgroup: a reserved group name" 1 "" \
    "portcullis: $T/gbad2:2: role name must be 1-255 of A-Z a-z 0-9 . _ - and not 'all' or 'valid-user'"
printf 'ops: zoe\nweb admins: alice\n' >"$T/gbad3"
run -d "$DB" import htgroup "$T/gbad3"
expect "htgroup: a group name with a blank" 1 "" \
    "portcullis: $T/gbad3:2: role name must be 1-255 of A-Z a-z 0-9 . _ - and not 'all' or 'valid-user'"
printf 'ops: zoe\nadmins alice\n' >"$T/gbad4"
run -d "$DB" import htgroup "$T/gbad4"
expect "htgroup: no colon" 1 "" \
    "portcullis: $T/gbad4:2: no ':' after the group name"
sql "nothing written by them (no role ops)" \
    "SELECT name FROM roles ORDER BY name" "editor
empty
viewer"

# --- usage ------------------------------------------------------------
for args in "import" "import htpasswd" "import frob $GR" \
    "import htpasswd --dry-run" "import htpasswd --force $GR" \
    "import htpasswd $GR $GR"; do
	# shellcheck disable=SC2086
	run -d "$DB" $args
	_ok=0
	[ "$rc" -eq 2 ] && grep -q '^usage: portcullis' "$T/err" && _ok=1
	result $_ok "usage error: $args"
done

finish import
