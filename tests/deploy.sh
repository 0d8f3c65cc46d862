#!/bin/sh
# deploy.sh: a deployment done as a reader of README and the examples
# would do it, with nothing changed but paths and ports.  The commands
# are taken from the documents themselves (so that a recipe that drifts
# fails here):
#   README, "The database, its directory and its permissions": the
#       2750 directory and `portcullis init --group www-data`;
#   README, "Administration": users, roles, rules with the CLI; the
#       stock sqlite3 shell with the extension loaded by hand
#       (hash_password()); `portcullis import htpasswd` of a file made
#       by `htpasswd -B`;
#   examples/nginx-auth_request.conf: its comments' /run/portcullis
#       directory and `runuser -u www-data -- portcullis.fcgi -s`, and
#       the file itself, nginx's workers as www-data;
#   examples/lighttpd-authorizer.conf: the file, lighttpd running
#       portcullis.fcgi as www-data.
# Every user through each server gets the exact status line the rules
# give (200, 401, 403, 405 + Allow), and a change made in the sqlite3
# shell applies to the next request.  Needs root (install -o, runuser,
# servers dropping to www-data): CI runs as root; elsewhere skipped.
# Only exit statuses and HTTP answers are compared, never what the CLI
# prints.  Ports 18650-18699 (tests/lib.sh).
. "${top_srcdir:-.}/tests/lib.sh"

[ "$(id -u)" -eq 0 ] || skip_or_fail "deploy.sh needs root"
PATH=$PATH:/usr/sbin
for t in nginx lighttpd curl htpasswd runuser "$SQLITE3"; do
	command -v "$t" >/dev/null 2>&1 || skip_or_fail "$t is not installed"
done
getent passwd www-data >/dev/null || skip_or_fail "no user www-data"
runuser -u www-data -- test -x "$FCGI" ||
    skip_or_fail "www-data cannot run $FCGI"
EXT=$top_builddir/src/.libs/portcullis
[ -f "$EXT.so" ] || skip_or_fail "no $EXT.so"

umask 022
chmod 711 "$work"
README=$top_srcdir/README
NGINX_EX=$top_srcdir/examples/nginx-auth_request.conf

# doc_cmd FILE REGEX: the command of FILE (a README block indented by
# four spaces, or a "#   " comment of an example) whose first line
# matches REGEX after its indentation, continuation lines joined.
doc_cmd()
{
	awk -v re="$2" '
		{ l = $0; sub(/^#?[[:space:]]*/, "", l) }
		!go && l ~ re { go = 1 }
		go && l ~ /\\$/ { sub(/\\$/, "", l); cmd = cmd l; next }
		go { print cmd l; exit }
	' "$1"
}

# local_paths: the documents' paths, and only those, made this test's.
local_paths()
{
	sed -e "s|/var/lib/portcullis|$work/var/lib/portcullis|g" \
	    -e "s|/usr/lib/cgi-bin/portcullis\.fcgi|$FCGI|g" \
	    -e "s|/usr/lib/portcullis/portcullis|$EXT|g" \
	    -e "s|/run/portcullis|$work/run/portcullis|g" \
	    -e "s|^portcullis |\"\$ADMIN\" |"
}

# run_doc WHAT FILE REGEX: doc_cmd, paths replaced, run by the shell.
run_doc()
{
	_rd=$(doc_cmd "$2" "$3" | local_paths)
	if [ -z "$_rd" ]; then
		fail "$1: no command /$3/ in ${2#$top_srcdir/}"
		return 1
	fi
	if eval "$_rd" >"$work/doc.out" 2>&1; then
		ok "$1: $_rd"
	else
		fail "$1: $_rd: $(cat "$work/doc.out")"
		return 1
	fi
}

# --- the database: README's recipe -----------------------------------
# The recipe is the first two commands of that paragraph.
sed -n '/^The database, its directory and its permissions:/,/^  - /p' \
    "$README" > "$work/readme.perms"
run_doc "README: the directory" "$work/readme.perms" \
    '^install -d -o root -g www-data -m 2750 /var/lib/portcullis$' ||
    finish deploy
run_doc "README: init" "$work/readme.perms" \
    '^portcullis -d /var/lib/portcullis/auth.db init --group www-data$' ||
    finish deploy
dir=$work/var/lib/portcullis
db=$dir/auth.db
export PORTCULLIS_DB=$db

LAYOUT='. 2750 root:www-data
auth.db 640 root:www-data
auth.db-shm 640 root:www-data
auth.db-wal 640 root:www-data
auth.db-state 660 root:www-data'
layout()
{
	(cd "$dir" && stat -c '%n %a %U:%G' . auth.db auth.db-shm auth.db-wal \
	    auth.db-state)
}
check_eq "layout after README's recipe" "$(layout)" "$LAYOUT"

# --- users, roles, rules: README "Administration" -------------------
# admin WHAT CMD...: the CLI succeeds (its output is not compared).
admin()
{
	_aw=$1
	shift
	if "$ADMIN" "$@" >"$work/admin.out" 2>&1; then
		ok "portcullis $_aw"
	else
		fail "portcullis $_aw: exit $?: $(cat "$work/admin.out")"
	fi
}
# alice: `portcullis user add`, the password as one line on stdin.
admin "user add alice" user add alice <<'PW'
alice-pw
PW
admin "role add editor" role add editor
admin "role add admin" role add admin
admin "grant alice editor" grant alice editor
admin "grant alice admin" grant alice admin
admin "rule /public/**" rule add '/public/**' GET all
admin "rule /wiki/** readers" rule add '/wiki/**' GET valid-user
admin "rule /wiki/** editors" rule add '/wiki/**' GET,PUT editor
admin "rule /admin/**" rule add '/admin/**' GET admin

# carol: the stock sqlite3 shell with the extension, as README gives
# it, and hash_password().
sqlsh()
{
	_sq=$(doc_cmd "$README" '^SQLITE_HISTORY=/dev/null sqlite3 ' |
	    local_paths)
	[ -n "$_sq" ] || { echo "README: no sqlite3 command"; return 1; }
	eval "$_sq -batch -bail"
}
if sqlsh >"$work/sql.out" 2>&1 <<'SQL'
INSERT INTO users (name, hash) VALUES ('carol', hash_password('carol-pw'));
INSERT INTO members (user, role) VALUES ('carol', 'editor');
SQL
then
	ok "sqlite3 shell: carol with hash_password()"
else
	fail "sqlite3 shell: $(cat "$work/sql.out")"
fi

# dave: `htpasswd -B`, then README's dry run and import.
htpasswd -cbB "$work/htpasswd" dave dave-pw 2>/dev/null ||
    fail "htpasswd -B"
admin "import htpasswd --dry-run" import htpasswd --dry-run "$work/htpasswd"
check_eq "the dry run imported nothing" \
    "$("$SQLITE3" -batch "$db" "SELECT count(*) FROM users WHERE name = 'dave'")" 0
admin "import htpasswd" import htpasswd "$work/htpasswd"

check_eq "layout after the CLI, the sqlite3 shell and the import" \
    "$(layout)" "$LAYOUT"

# `portcullis check` decides as the servers will (exit 0 allowed, 1
# denied).
echo dave-pw >"$work/dave.pw"
"$ADMIN" check --mode auth_request GET /wiki/page.txt dave \
    <"$work/dave.pw" >/dev/null 2>&1
check_eq "check: dave reads the wiki" $? 0
"$ADMIN" check --mode auth_request PUT /wiki/page.txt dave \
    <"$work/dave.pw" >/dev/null 2>&1
check_eq "check: dave may not edit it" $? 1

# --- the document root ----------------------------------------------
www=$work/www
mkdir -p "$www/public" "$www/wiki" "$www/admin"
echo "public page" >"$www/public/index.html"
echo "wiki page" >"$www/wiki/page.txt"
echo "admin page" >"$www/admin/index.html"

# --- nginx auth_request: the example's comments, then the file -------
run_doc "nginx example: the socket directory" "$NGINX_EX" \
    '^install -d -o www-data -g www-data -m 0750 /run/portcullis$' ||
    finish deploy
fcgi_cmd=$(doc_cmd "$NGINX_EX" '^runuser -u www-data -- ' | local_paths)
case $fcgi_cmd in
runuser*" -s $work/run/portcullis/portcullis.sock -p $work/run/portcullis/portcullis.pid")
	ok "nginx example: $fcgi_cmd" ;;
*)	fail "nginx example: no runuser command: [$fcgi_cmd]"
	finish deploy ;;
esac
sock=$work/run/portcullis/portcullis.sock
# exec: $! is runuser itself, whose child is portcullis.fcgi.
sh -c "exec $fcgi_cmd" 2>"$work/fcgi.err" &
rpid=$!
started $rpid
wait_socket "$sock" $rpid ||
    { fail "portcullis.fcgi: $(cat "$work/fcgi.err")"; finish deploy; }
check_eq "the socket: www-data's, mode 0660" \
    "$(stat -c '%a %U' "$sock")" "660 www-data"
fpid=$(pgrep -P $rpid)
[ -n "$fpid" ] && started "$fpid"
pidf=$work/run/portcullis/portcullis.pid
check_eq "the pidfile names portcullis.fcgi, not runuser" \
    "$(cat "$pidf" 2>/dev/null)" "$fpid"

nginx_user=www-data
start_nginx nginx-auth_request.conf nginx 18650 25 || finish deploy
nport=$port
check_eq "nginx's workers run as www-data" \
    "$(ps -o user= --ppid "$(cat "$work/nginx/nginx.pid")" | sort -u)" \
    www-data

# --- lighttpd authorizer: the file -----------------------------------
lighttpd_as_example=1 example_db=$db
# Debian's /var/log/lighttpd and /run/lighttpd belong to www-data:
# lighttpd opens its logs and the FastCGI socket after it drops to it.
install -o www-data -g www-data -m 0640 /dev/null "$work/error.log"
install -o www-data -g www-data -m 0640 /dev/null "$work/access.log"
chown www-data:www-data "$work/run"
start_lighttpd lighttpd-authorizer.conf 18675 25 || finish deploy
lport=$port
ok "lighttpd (authorizer) on 127.0.0.1:$lport"
# lighttpd, and so the portcullis.fcgi processes it spawns, as www-data.
check_eq "lighttpd runs as www-data" "$(ps -o user= -p $lpid)" www-data
check_eq "its portcullis.fcgi processes run as www-data" \
    "$(ps -o user= --ppid $lpid | sort -u)" www-data

# --- every user through each server -----------------------------------
# ask SERVER METHOD TARGET USER PASS: the response in $work/r, split.
ask()
{
	case $1 in
	nginx)		port=$nport ;;
	lighttpd)	port=$lport ;;
	esac
	send_curl "$2" "$3" "$4" "$5" - "$work/r"
	split_response "$work/r"
}

# expect SERVER METHOD TARGET USER PASS STATUS [FILE | ALLOW]: the exact
# status line; for 200 the body is FILE, for 405 Allow is ALLOW.
expect()
{
	ask "$1" "$2" "$3" "$4" "$5"
	_w="$1: $2 $3 user=$4"
	case $6 in
	200)	_l="HTTP/1.1 200 OK" ;;
	401)	_l="HTTP/1.1 401 Unauthorized" ;;
	403)	_l="HTTP/1.1 403 Forbidden" ;;
	405)	if [ "$1" = nginx ]; then
			_l="HTTP/1.1 405 Not Allowed"
		else
			_l="HTTP/1.1 405 Method Not Allowed"
		fi ;;
	esac
	check_eq "$_w: status line" "$(head -n 1 "$work/r" | tr -d '\r')" "$_l"
	case $6 in
	200)	if cmp -s "$work/r.body" "$www/$7"; then
			ok "$_w: body is $7"
		else
			fail "$_w: body is not $7"
		fi ;;
	401)	check_eq "$_w: challenge" \
		    "$(sed -n 's/^WWW-Authenticate: //p' "$work/r.hdr")" \
		    'Basic realm="Portcullis", charset="UTF-8"' ;;
	405)	check_eq "$_w: Allow" \
		    "$(sed -n 's/^Allow: //p' "$work/r.hdr")" "$7" ;;
	esac
}

for s in nginx lighttpd; do
	expect $s GET /public/index.html - - 200 public/index.html
	expect $s GET /wiki/page.txt - - 401
	expect $s GET /wiki/page.txt alice alice-pw 200 wiki/page.txt
	expect $s GET /wiki/page.txt carol carol-pw 200 wiki/page.txt
	expect $s GET /wiki/page.txt dave dave-pw 200 wiki/page.txt
	expect $s GET /wiki/page.txt dave wrong 401
	expect $s GET /wiki/page.txt mallory dave-pw 401
	expect $s GET /admin/index.html alice alice-pw 200 admin/index.html
	expect $s GET /admin/index.html carol carol-pw 403
	expect $s GET /admin/index.html dave dave-pw 403
	expect $s GET /elsewhere.txt alice alice-pw 403
	expect $s POST /wiki/page.txt dave dave-pw 405 "GET, HEAD, PUT"
	expect $s DELETE /admin/index.html alice alice-pw 405 "GET, HEAD"
done

# --- a change in the sqlite3 shell: the next request -----------------
if sqlsh >"$work/sql.out" 2>&1 <<'SQL'
UPDATE users SET disabled = 1 WHERE name = 'carol';
INSERT INTO members (user, role) VALUES ('dave', 'admin');
UPDATE settings SET value = 'Wiki' WHERE name = 'realm';
SQL
then
	ok "sqlite3 shell: carol disabled, dave an admin, realm Wiki"
else
	fail "sqlite3 shell: $(cat "$work/sql.out")"
fi
for s in nginx lighttpd; do
	expect $s GET /admin/index.html dave dave-pw 200 admin/index.html
	ask $s GET /wiki/page.txt carol carol-pw
	check_eq "$s: carol disabled: status line" \
	    "$(head -n 1 "$work/r" | tr -d '\r')" "HTTP/1.1 401 Unauthorized"
	check_eq "$s: the new realm" \
	    "$(sed -n 's/^WWW-Authenticate: //p' "$work/r.hdr")" \
	    'Basic realm="Wiki", charset="UTF-8"'
done
check_eq "layout after the servers and the shell" "$(layout)" "$LAYOUT"

# --- the end ----------------------------------------------------------
stop_server $lpid
# runuser passes SIGTERM on to portcullis.fcgi.
stop_server $rpid
if [ -n "$fpid" ]; then
	_i=0
	while kill -0 "$fpid" 2>/dev/null && [ $_i -lt 100 ]; do
		sleep 0.05
		_i=$((_i + 1))
	done
	kill -0 "$fpid" 2>/dev/null &&
	    fail "portcullis.fcgi $fpid still runs after runuser's SIGTERM" ||
	    ok "portcullis.fcgi stopped with runuser"
	unstarted "$fpid"
fi
check_eq "socket and pidfile gone after the clean exit" \
    "$(ls "$work/run/portcullis")" ""
sanitizer_free "from portcullis.fcgi" "$work/fcgi.err" \
    "$work/nginx/logs/portcullis-error.log" "$work/error.log"

finish deploy
