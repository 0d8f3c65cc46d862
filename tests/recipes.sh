#!/bin/sh
# recipes.sh: README, the man pages and every example give the one
# database layout of README ("The database, its directory and its
# permissions"):
#   install -d -o root -g GROUP -m 2750 /var/lib/portcullis
#   portcullis -d /var/lib/portcullis/auth.db init --group GROUP
# and nothing else: no other mode for that directory (0770 and 2770
# once made the server fail, or made the policy group-writable), no
# chmod or chgrp of anything in it, no `init` without --group, and the
# database is auth.db.  tests/deploy.sh runs README's recipe itself.
. "${top_srcdir:-.}/tests/lib.sh"

cd "$top_srcdir" || exit 99
# Each of these gives the recipe (its server's group) where it says how
# to start Portcullis.
RECIPES="README man/portcullis.5 man/portcullis.8 examples/Caddyfile
examples/apache-authnz-fcgi.conf examples/apache-cgi.conf
examples/apache-fcgid.conf examples/apache-proxy.conf
examples/lighttpd-authorizer.conf examples/lighttpd-responder.conf
examples/nginx-auth_request.conf examples/nginx-responder.conf
examples/portcullis.service examples/traefik.md"
ALL="README man/portcullis.5 man/portcullis.8 man/portcullis.fcgi.8
$(find examples -type f | sort)"
# The files of this layout's name; portcullis(8) and portcullis.fcgi(8)
# join them when their examples say auth.db.
NAMED="README man/portcullis.5 man/portcullis.8 man/portcullis.fcgi.8
$(find examples -type f | sort)"

# stripped FILE: its lines without the comment sign, prompt or
# indentation before them.
stripped()
{
	sed -e 's/^[#$[:space:]]*//' "$1"
}

for f in $RECIPES; do
	g=$(stripped "$f" |
	    sed -n 's|^install -d -o root -g \([a-z-]*\) -m 2750 /var/lib/portcullis$|\1|p' |
	    head -n 1)
	if [ -z "$g" ]; then
		fail "$f: no 'install -d -o root -g GROUP -m 2750 /var/lib/portcullis'"
		continue
	fi
	ok "$f: install -d -o root -g $g -m 2750 /var/lib/portcullis"
	# portcullis(8) sets PORTCULLIS_DB first.
	if stripped "$f" | grep -qx "portcullis \(-d /var/lib/portcullis/auth.db \)\{0,1\}init --group $g"; then
		ok "$f: portcullis init --group $g"
	else
		fail "$f: no 'portcullis -d /var/lib/portcullis/auth.db init --group $g'"
	fi
done

for f in $ALL; do
	# Any directory mode but 2750 for the database's directory.
	bad=$(stripped "$f" |
	    sed -n '/install -d.*\/var\/lib\/portcullis\/*$/{/ -m 2750 /!p;}')
	check_eq "$f: /var/lib/portcullis made only with -m 2750" "$bad" ""
	bad=$(grep -n 'chmod.*/var/lib/portcullis\|chgrp.*/var/lib/portcullis\|chmod .*auth\.db\|chgrp .*auth\.db' "$f")
	check_eq "$f: no chmod or chgrp of the database or its directory" \
	    "$bad" ""
	# A command line (not prose) that makes a database without a
	# group.
	bad=$(stripped "$f" |
	    grep '^portcullis\( -d [^ ]*\)\{0,1\} init\( *$\| [^-]\)')
	check_eq "$f: every 'portcullis init' command has --group" "$bad" ""
done

for f in $NAMED; do
	check_eq "$f: the database is auth.db" \
	    "$(grep -n 'portcullis\.db\b' "$f")" ""
done

# portcullis(5) gives the schema version of this release: the number
# of migrations.
nmig=$(ls sql/[0-9][0-9][0-9][0-9]-*.sql | wc -l)
check_eq "portcullis(5): user_version is the number of migrations" \
    "$(sed -n 's/.*holds the number of the last one applied, \([0-9]*\) for this version\./\1/p' man/portcullis.5)" \
    "$nmig"

# The build dependencies README gives are tests/deps.sh's.
want=$(sed -n '/^BUILD="/,/"$/p' tests/deps.sh | tr -d '"' |
    sed 's/^BUILD=//' | tr -s ' \n' '\n\n' | sed '/^$/d')
got=$(sed -n '/^    apt-get install build-essential/,/[^\\]$/p' README |
    sed -e 's/apt-get install//' -e 's/\\$//' | tr -s ' ' '\n' | sed '/^$/d')
[ -n "$want" ] || fail "tests/deps.sh: no BUILD="
check_eq "README's build dependencies are tests/deps.sh's BUILD" "$got" "$want"

finish recipes
