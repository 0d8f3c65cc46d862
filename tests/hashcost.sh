#!/bin/sh
# hashcost.sh: the schema's side of the caps on stored hash costs
# (sql/0004-hardening.sql, section 2; the server's side is pw_cost() in
# src/passwd.c, tested by tests/check_passwd.c with the same hashes).
#
# In the stock sqlite3 shell ($SQLITE3, else sqlite3) without the
# extension: every row below is inserted into users, and set with an
# UPDATE, on a database made by `portcullis init`; a hash at a cap is
# taken, one just over it refused with the trigger's message.  Then
# hash_password() of the extension refuses costs over the caps, and a
# database of version 3 holding costly hashes migrates with its rows
# kept (lint.sh shows that `portcullis lint` reports them).  Prints
# "ok N - ..." or "not ok N - ...", then "hashcost: P passed, F failed".

set -u

. "${top_srcdir:-.}/tests/clilib.sh"
# The schema version this build makes: the number of sql/NNNN-*.sql.
SCHEMA=$(ls "$top_srcdir"/sql/[0-9][0-9][0-9][0-9]-*.sql | wc -l)

EXT=$top_builddir/src/.libs/portcullis
MSG_BCRYPT="hash cost over the cap: bcrypt cost must be at most 12 (see portcullis(5))"
MSG_SHA="hash cost over the cap: sha-crypt rounds must be at most 100000 (see portcullis(5))"
MSG_YES="hash cost over the cap: yescrypt must take at most 64 MiB, as mkpasswd -m yescrypt -R 7 or less makes (see portcullis(5))"
MSG_ARGON2="hash cost over the cap: argon2 needs m at most 262144 (KiB), t at most 64, m*t at most 786432 and p at most 16 (see portcullis(5))"

run -d "$DB" init
expect "init" 0 "$(created "$DB")" ""
"$SQLITE3" -batch "$DB" "INSERT INTO users (name, hash)
    VALUES ('old', '\$y\$j9T\$abc\$def')" || echo "# setup failed"

# try SQL: run SQL in a transaction that is rolled back; $out is the
# shell's stdout and stderr, $rc its status.
try() {
	out=$("$SQLITE3" -batch "$DB" "BEGIN; $1; SELECT changes();
	    ROLLBACK;" 2>&1)
	rc=$?
}

# verdict DESC WANT: the last try changed one row (WANT "ok") or
# failed with the message WANT.
verdict() {
	case $2:$rc:$out in
	ok:0:1)		result 1 "$1" ;;
	ok:*)		result 0 "$1"; echo "# exit $rc: $out" ;;
	*:0:*)		result 0 "$1"; echo "# accepted: $out" ;;
	*)
		case $out in
		*" $2 (19)"|*" $2")	result 1 "$1" ;;
		*)	result 0 "$1"; echo "# exit $rc: $out" ;;
		esac ;;
	esac
}

# Rows: HASH|WANT (ok, or the message's variable).  Each cap, and just
# over it; the hashes of tests/check_passwd.c.
while IFS='|' read -r hash want; do
	case $want in
	ok)	msg=ok ;;
	*)	eval "msg=\$$want" ;;
	esac
	try "INSERT INTO users (name, hash) VALUES ('u', '$hash')"
	verdict "INSERT $hash" "$msg"
	try "UPDATE users SET hash = '$hash' WHERE name = 'old'"
	verdict "UPDATE $hash" "$msg"
done <<'EOT'
$2b$05$F89fvEn6ZHLrCSrlbCG6meJViygvL3vuBP8IDjV85WOirAa58AXkK|ok
$2b$12$q1mLIiDDEcVVuj8AzkLir.7Ai3.KZIt3GokCh3dAJpTXQbKfmJTqC|ok
$2b$13$q1mLIiDDEcVVuj8AzkLir.7Ai3.KZIt3GokCh3dAJpTXQbKfmJTqC|MSG_BCRYPT
$2y$31$q1mLIiDDEcVVuj8AzkLir.7Ai3.KZIt3GokCh3dAJpTXQbKfmJTqC|MSG_BCRYPT
$2a$14$q1mLIiDDEcVVuj8AzkLir.7Ai3.KZIt3GokCh3dAJpTXQbKfmJTqC|MSG_BCRYPT
$6$P5iEQuz32hDEK6FJ$o6k6f102Q/GHfaXDV3ku4u7d.hN4m6f19Gs7455OYSEXg4o7|ok
$6$rounds=100000$zv5A8okABRVsNTGc$gQ81fZ7r6K.NVMTkgoy10wpzv8grUO3bRK6X1IRuRHVNyYox4|ok
$6$rounds=100001$zv5A8okABRVsNTGc$gQ81fZ7r6K.NVMTkgoy10wpzv8grUO3bRK6X1IRuRHVNyYox4|MSG_SHA
$6$rounds=10000000$zv5A8okABRVsNTGc$gQ81fZ7r6K.NVMTkgoy10wpzv8grUO3bRK6X1IRuRHVNyYox4|MSG_SHA
$6$rounds=99999999999999999999$zv5A8okABRVsNTGc$gQ81fZ7r6K.NVMTkgoy10wpzv8grUO3b|MSG_SHA
$5$rounds=100000$kkrKuZOsxayQUaDj$/vFO6NfOU44YtxI9OFnrpcrlhzWksdyrIPdUQN1CrLA|ok
$5$rounds=100001$kkrKuZOsxayQUaDj$/vFO6NfOU44YtxI9OFnrpcrlhzWksdyrIPdUQN1CrLA|MSG_SHA
$y$j9T$FtPycA8zmX5MMVQXxVxLn/$GjWDFhFbYp0HYNeQNEI1/FKKhaixfqOg9f8LOME0H.0|ok
$y$jBT$tYjp9cUS7ZZ/ZSiHqyXDs0$bF.p0aVTz1XKRSA1txTuh/FHaDhuHKB/ALn30Ee5YbD|ok
$y$jCT$tYjp9cUS7ZZ/ZSiHqyXDs0$bF.p0aVTz1XKRSA1txTuh/FHaDhuHKB/ALn30Ee5YbD|MSG_YES
$y$jBU$tYjp9cUS7ZZ/ZSiHqyXDs0$bF.p0aVTz1XKRSA1txTuh/FHaDhuHKB/ALn30Ee5YbD|MSG_YES
$y$jET$tYjp9cUS7ZZ/ZSiHqyXDs0$bF.p0aVTz1XKRSA1txTuh/FHaDhuHKB/ALn30Ee5YbD|MSG_YES
$y$jUT$tYjp9cUS7ZZ/ZSiHqyXDs0$bF.p0aVTz1XKRSA1txTuh/FHaDhuHKB/ALn30Ee5YbD|MSG_YES
$y$jAT..$tYjp9cUS7ZZ/ZSiHqyXDs0$bF.p0aVTz1XKRSA1txTuh/FHaDhuHKB/ALn30Ee5Y|MSG_YES
$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQxMjM0$k0FCjcGrmGUdx3TtkTAYUsQ9Jjo2Q4ni|ok
$argon2id$v=19$m=65536,t=12,p=1$OBje2JA5ro31pUOKM2ieNA$xbeSAHt23eyhgFjVp5JWReGiw|ok
$argon2id$v=19$m=65536,t=13,p=1$OBje2JA5ro31pUOKM2ieNA$xbeSAHt23eyhgFjVp5JWReGiw|MSG_ARGON2
$argon2id$v=19$m=262144,t=3,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA|ok
$argon2id$v=19$m=262144,t=8,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA|MSG_ARGON2
$argon2id$v=19$m=262145,t=1,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA|MSG_ARGON2
$argon2i$v=19$m=8,t=64,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA|ok
$argon2i$v=19$m=8,t=65,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA|MSG_ARGON2
$argon2id$v=19$m=4096,t=2,p=16$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA|ok
$argon2id$v=19$m=4096,t=2,p=17$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA|MSG_ARGON2
EOT

# --- hash_password() never makes a hash over the caps ------------------
# (Just over each: a regression at '$2b$', 31 would run for hours.)
# q SQL: SQL in the shell with the extension loaded; $out, $rc.
q() {
	out=$(printf '%s\n' "$1" | "$SQLITE3" -batch -cmd ".load '$EXT'" \
	    "$DB" 2>&1)
	rc=$?
}
if [ -f "$EXT.so" ]; then
	TOOCOSTLY="cost over the cap the server verifies (see portcullis(5))"
	while IFS='|' read -r args want; do
		q "SELECT substr(hash_password('s3cret', $args), 1, 7);"
		case $want in
		costly)	case $out in
			*": $TOOCOSTLY")	result 1 "hash_password($args) refused" ;;
			*)	result 0 "hash_password($args) refused"
				echo "# exit $rc: $out" ;;
			esac ;;
		*)	if [ "$rc" -eq 0 ] && [ "$out" = "$want" ]; then
				result 1 "hash_password($args) is $want"
			else
				result 0 "hash_password($args) is $want"
				echo "# exit $rc: $out"
			fi ;;
		esac
	done <<'EOT'
'$2b$', 12|$2b$12$
'$2b$', 13|costly
'$6$', 100000|$6$roun
'$6$', 100001|costly
'$y$', 7|$y$jBT$
'$y$', 8|costly
EOT
else
	result 0 "the extension is built: no $EXT.so"
fi

# --- a database of version 3 keeps its costly hashes -------------------
# (made from the migrations themselves, in WAL mode; `init` then
# migrates it).
OLD=$T/v3.db
for f in 0001-init 0002-proxy-auth 0003-views; do
	cat "$top_srcdir/sql/$f.sql"
done | "$SQLITE3" -batch "$OLD" || echo "# v3 setup failed"
SLOW='$2b$14$q1mLIiDDEcVVuj8AzkLir.7Ai3.KZIt3GokCh3dAJpTXQbKfmJTqC'
"$SQLITE3" -batch "$OLD" "PRAGMA journal_mode = WAL;
    PRAGMA user_version = 3;
    INSERT INTO users (name, hash) VALUES ('slow', '$SLOW');" >/dev/null ||
    echo "# v3 rows failed"
run -d "$OLD" init
expect "a version 3 database with a costly hash migrates" 0 \
    "$(migrated "$OLD" 3)" ""
DB=$OLD
sql "... keeping the hash" "SELECT name, substr(hash, 1, 7) FROM users;
    PRAGMA user_version" 'slow|$2b$14$
'"$SCHEMA"
try "UPDATE users SET disabled = 1 WHERE name = 'slow'"
verdict "... other columns of that row can still change" ok
try "UPDATE users SET hash = hash WHERE name = 'slow'"
verdict "... but its hash cannot be set again" "$MSG_BCRYPT"

finish hashcost
