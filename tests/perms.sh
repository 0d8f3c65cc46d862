#!/bin/sh
# perms.sh: the deployment layout of README ("Deploying"), tried as
# the web server would meet it.  Needs root (runuser, chgrp): CI runs
# as root; elsewhere it is skipped.
#
# As root under umask 022: a directory root:www-data 2750 and
# `portcullis init --group www-data`.  Then, as www-data:
#   - portcullis.fcgi (CGI, and a FastCGI process kept running) reads
#     the policy and sees every change the administrator makes;
#   - nothing can change it: no write to the database, -wal or -shm,
#     no file created, removed or renamed in the directory;
#   - when a plain sqlite3 session has removed -wal and -shm, requests
#     fail closed (500) with a log line that says what to do, and
#     `portcullis init` repairs the layout.
. "${top_srcdir:-.}/tests/lib.sh"

[ "$(id -u)" -eq 0 ] || skip_or_fail "perms.sh needs root (runuser)"
command -v runuser >/dev/null 2>&1 && command -v setpriv >/dev/null 2>&1 ||
    skip_or_fail "no runuser or setpriv"
command -v cgi-fcgi >/dev/null 2>&1 ||
    skip_or_fail "cgi-fcgi (libfcgi-bin) is not installed"
getent group www-data >/dev/null || skip_or_fail "no group www-data"
www() {
	runuser -u www-data -- "$@"
}
www test -x "$FCGI" || skip_or_fail "www-data cannot run $FCGI"

umask 022
chmod 711 "$work"
dir=$work/var
db=$dir/auth.db
install -d -m 2750 -o root -g www-data "$dir"
mkdir -m 755 "$work/www"
echo hello >"$work/www/x.txt"
chmod 644 "$work/www/x.txt"
{
	"$ADMIN" -d "$db" init --group www-data &&
	printf 'pw\n' | "$ADMIN" -d "$db" user add alice &&
	"$ADMIN" -d "$db" role add staff &&
	"$ADMIN" -d "$db" grant alice staff &&
	"$ADMIN" -d "$db" rule add '/**' GET staff
} >"$work/setup.log" 2>&1 || { cat "$work/setup.log"; fail "setup"; }

LAYOUT="%n %a %U:%G"
layout() {
	(cd "$dir" && stat -c "$LAYOUT" . auth.db auth.db-shm auth.db-wal \
	    auth.db-state auth.db-state-shm auth.db-state-wal)
}
# The lockout state database is the one file the server writes.
WANT=". 2750 root:www-data
auth.db 640 root:www-data
auth.db-shm 640 root:www-data
auth.db-wal 640 root:www-data
auth.db-state 660 root:www-data
auth.db-state-shm 660 root:www-data
auth.db-state-wal 660 root:www-data"
check_eq "layout after init --group www-data and changes" "$(layout)" "$WANT"
ROWS="SELECT user, role FROM members; SELECT count(*) FROM users"

# cgi WHAT WANT: one CGI request as www-data, alice for /x.txt.
cgi() {
	_n=$((npass + nfail))
	www env -i REQUEST_METHOD=GET REQUEST_URI=/x.txt HTTP_HOST=127.0.0.1 \
	    REMOTE_ADDR=127.0.0.1 GATEWAY_INTERFACE=CGI/1.1 \
	    HTTP_AUTHORIZATION="Basic $(b64 alice:pw)" \
	    PORTCULLIS_DB="$db" PORTCULLIS_ROOT="$work/www" \
	    "$FCGI" </dev/null >"$work/c.$_n" 2>"$work/c.$_n.err"
	split_response "$work/c.$_n"
	check_eq "$1" "$(cat "$work/c.$_n.status")" "$2"
}

cgi "www-data reads the policy (CGI)" 200

# --- www-data cannot change the policy --------------------------------------
# denied WHAT CMD...: CMD, run as www-data, fails.
denied() {
	_w=$1
	shift
	if www "$@" >/dev/null 2>&1; then
		fail "www-data could: $_w"
	else
		ok "www-data cannot: $_w"
	fi
}
denied "write through SQLite" "$SQLITE3" -batch "$db" \
    "DELETE FROM members"
denied "leave WAL mode" "$SQLITE3" -batch "$db" "PRAGMA journal_mode = DELETE"
for f in auth.db auth.db-wal auth.db-shm; do
	denied "append to $f" sh -c ": >>'$dir/$f'"
	denied "remove $f" rm -f "$dir/$f"
	denied "rename $f" mv "$dir/$f" "$dir/$f.old"
done
denied "create a file in the directory (a crafted -wal)" \
    sh -c ": >'$dir/evil'"
denied "replace the directory's files by a symlink" \
    ln -sf /tmp "$dir/auth.db-wal"
denied "chmod the database" chmod 666 "$db"
check_eq "layout unchanged" "$(layout)" "$WANT"
# The administrator's sqlite3, keeping -wal and -shm as portcullis does
# (a plain session that closes last removes them: see below).
asql() {
	"$SQLITE3" -batch -cmd '.output /dev/null' \
	    -cmd '.filectrl persist_wal 1' -cmd '.output' "$db" "$@"
}
check_eq "rows unchanged" "$(asql "$ROWS")" "alice|staff
1"
check_eq "sqlite3 with .filectrl persist_wal 1 kept -wal and -shm" \
    "$(layout)" "$WANT"

# --- a FastCGI process as www-data follows the administrator ---------------
install -d -m 755 -o www-data -g www-data "$work/run"
sock=$work/run/portcullis.sock
# setpriv execs (runuser would stay the parent, and get the SIGTERM).
setpriv --reuid=www-data --regid=www-data --init-groups \
    env PORTCULLIS_DB="$db" PORTCULLIS_ROOT="$work/www" \
    "$FCGI" -s "$sock" </dev/null 2>"$work/fcgi.err" &
fpid=$!
started $fpid
wait_socket "$sock" $fpid && ok "www-data FastCGI listening" ||
    fail "no socket: $(cat "$work/fcgi.err")"

fcgi() {
	_n=$((npass + nfail))
	env -i REQUEST_METHOD=GET REQUEST_URI=/x.txt HTTP_HOST=127.0.0.1 \
	    REMOTE_ADDR=127.0.0.1 HTTP_AUTHORIZATION="Basic $(b64 alice:pw)" \
	    timeout 10 cgi-fcgi -bind -connect "$sock" </dev/null \
	    >"$work/f.$_n" 2>>"$work/cgi-fcgi.err"
	split_response "$work/f.$_n"
	check_eq "$1" "$(cat "$work/f.$_n.status")" "$2"
	[ "$(cat "$work/f.$_n.status")" = "$2" ] ||
	    { ls -la "$dir"; cat "$work/cgi-fcgi.err" "$work/fcgi.err"; } | sed 's/^/# /'
}
fcgi "FastCGI as www-data: alice passes" 200
"$ADMIN" -d "$db" revoke alice staff
fcgi "... portcullis revoke is seen at the next request" 403
"$SQLITE3" -batch "$db" "INSERT INTO members (user, role) VALUES ('alice', 'staff')"
fcgi "... a plain sqlite3 grant too" 200
"$SQLITE3" -batch "$db" "DELETE FROM members"
fcgi "... and a plain sqlite3 revoke" 403
check_eq "... the server kept -wal and -shm through plain sqlite3 sessions" \
    "$(layout)" "$WANT"
"$SQLITE3" -batch "$db" "INSERT INTO members (user, role) VALUES ('alice', 'staff');
    PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null
fcgi "... after a checkpoint that empties the WAL" 200
kill "$fpid"
wait "$fpid"
check_eq "FastCGI as www-data: clean exit" "$?" 0

# --- a plain sqlite3 session, last to close, removes -wal and -shm ---------
"$SQLITE3" -batch "$db" "SELECT count(*) FROM users" >/dev/null
check_eq "plain sqlite3 removed -wal and -shm" \
    "$(ls "$dir")" "auth.db
auth.db-state
auth.db-state-shm
auth.db-state-wal"
cgi "then www-data fails closed" 500
check_eq "... saying why and what to do" \
    "$(grep -o 'detail="[^"]*"' "$work/c.$((npass + nfail - 1)).err")" \
    "detail=\"cannot create auth.db-wal in $dir: Permission denied (the server's user needs write access to the directory, or run portcullis init to make it; portcullis.fcgi(8), FILES)\""
"$ADMIN" -d "$db" init
check_eq "portcullis init repairs the layout" "$(layout)" "$WANT"
cgi "then www-data reads again" 200
rm "$db-shm"
cgi "-shm alone missing: fails closed" 500
check_eq "... naming it" \
    "$(grep -o 'detail="[^"]*"' "$work/c.$((npass + nfail - 1)).err")" \
    "detail=\"cannot create auth.db-shm in $dir: Permission denied (the server's user needs write access to the directory, or run portcullis init to make it; portcullis.fcgi(8), FILES)\""
"$ADMIN" -d "$db" init
cgi "repaired again" 200

# The database unreadable to www-data (its group is another): the
# whole line, naming the file, the access, errno and the group.
chgrp root "$db"
cgi "unreadable database: fails closed" 500
check_eq "... the line says which access and which group" \
    "$(cat "$work/c.$((npass + nfail - 1)).err")" \
    "portcullis: error: client=127.0.0.1 status=500 reason=store detail=\"cannot open $db for reading: Permission denied (run as its owner or a member of its group root, which needs read access; portcullis.fcgi(8), FILES)\" method=\"GET\" uri=\"/x.txt\""
chgrp www-data "$db"
cgi "readable again" 200

# `portcullis shell` keeps them too (.filectrl persist_wal).
PORTCULLIS_EXTENSION=$top_builddir/src/.libs/portcullis \
    "$ADMIN" -d "$db" shell <<EOF >"$work/shell.out" 2>&1
DELETE FROM members WHERE user = 'alice';
EOF
check_eq "portcullis shell: ran" "$(cat "$work/shell.out")" ""
check_eq "portcullis shell, last to close, kept -wal and -shm" \
    "$(layout)" "$WANT"
cgi "... and www-data reads its change" 403

# The CLI run by a user who may read but not write the policy: the
# missing permission named, not SQLite's "readonly database".
www "$ADMIN" -d "$db" role add intruder >"$work/cli.out" 2>"$work/cli.err"
check_eq "CLI as www-data: refused" $? 1
check_eq "CLI as www-data: what is missing" "$(cat "$work/cli.err")" \
    "portcullis: role intruder: cannot open $db for writing: Permission denied (run as its owner or a member of its group www-data, which needs read and write access; portcullis.fcgi(8), FILES)"
check_eq "CLI as www-data: nothing written" \
    "$("$SQLITE3" "$db" "SELECT count(*) FROM roles WHERE name = 'intruder'")" 0

finish perms
