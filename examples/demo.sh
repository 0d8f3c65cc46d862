#!/bin/sh
# demo.sh: Portcullis for real, on this machine.
#   sh examples/demo.sh        install what is missing, build, make a
#                              demo database and document root, start
#                              lighttpd on 127.0.0.1:8480 with
#                              examples/lighttpd-responder.conf, and
#                              show curl answering 200, 401, 403, 405
#   sh examples/demo.sh stop   stop that lighttpd (by its PID file)
# Everything lives in build-demo/ below the checkout.
set -eu
cd "$(dirname "$0")/.."
top=$(pwd)
port=${PORT:-8480}
d=$top/build-demo
PATH=$PATH:/usr/sbin

stop()
{
	if [ -f "$d/run/lighttpd.pid" ]; then
		kill "$(cat "$d/run/lighttpd.pid")" 2>/dev/null || true
		rm -f "$d/run/lighttpd.pid"
		echo "demo: lighttpd stopped"
	fi
}
if [ "${1:-}" = stop ]; then
	stop
	exit 0
fi

sh tests/deps.sh
[ -x configure ] || autoreconf -fi
mkdir -p "$d/run" "$d/empty"
stop
( cd "$d" && { [ -f Makefile ] || ../configure -q; } && make -s -j2 )

ADMIN=$d/src/portcullis sh tests/demo-db.sh "$d/auth.db" "$d/www"
sed -e "s|^server.port .*|server.port = $port|" \
    -e '/^server.username/d' -e '/^server.groupname/d' \
    -e "s|/var/www/empty|$d/empty|" \
    -e "s|/var/log/lighttpd/portcullis-error.log|$d/error.log|" \
    -e "s|/run/lighttpd-portcullis.pid|$d/run/lighttpd.pid|" \
    -e "s|/usr/lib/cgi-bin/portcullis.fcgi|$d/cgi-bin/portcullis.fcgi|" \
    -e "s|/run/lighttpd/portcullis.sock|$d/run/portcullis.sock|" \
    -e "s|/var/lib/portcullis/auth.db|$d/auth.db|" \
    -e "s|/srv/www|$d/www|" \
    examples/lighttpd-responder.conf > "$d/lighttpd.conf"
lighttpd -f "$d/lighttpd.conf"	# daemonises; PID in run/lighttpd.pid
i=0
until curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$port/" ||
    [ $i -ge 50 ]; do
	sleep 0.1
	i=$((i + 1))
done

base=http://127.0.0.1:$port
show()
{
	echo
	echo "\$ curl -si $*"
	curl -si --max-time 5 "$@" | tr -d '\r' |
	    sed -n '1p; /^WWW-Authenticate:/p; /^Allow:/p; /^Vary:/p'
}
echo
echo "Portcullis demo: lighttpd on $base (config $d/lighttpd.conf),"
echo "database $d/auth.db, files in $d/www."
show "$base/public/index.html"
show "$base/docs/guide.txt"
show -u bob:builder "$base/docs/guide.txt"
show -u bob:wrong "$base/docs/guide.txt"
show -u bob:builder "$base/admin/"
show -X DELETE -u alice:wonderland "$base/docs/guide.txt"
echo
echo "Why was bob refused /admin/?"
echo "\$ echo builder | $d/src/portcullis -d $d/auth.db check GET /admin/ bob"
echo builder | "$d/src/portcullis" -d "$d/auth.db" check GET /admin/ bob ||
    true
echo
echo "Change the policy with sqlite3 and ask again:"
echo "  sqlite3 $d/auth.db \"INSERT INTO members VALUES ('bob', 'admin')\""
echo "  curl -si -u bob:builder $base/admin/"
echo "Stop the demo: sh examples/demo.sh stop"
