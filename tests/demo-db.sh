#!/bin/sh
# demo-db.sh DB ROOT: the demo's database and document root, made the
# way an administrator would: the portcullis CLI for users and
# passwords, the stock sqlite3 shell for the rest.  Used by the demo
# and by the integration tests (tests/decisions.tab expects exactly
# this).  $ADMIN names the CLI (default: portcullis on $PATH).
set -eu
db=$1
root=$2
ADMIN=${ADMIN:-portcullis}
SQLITE3=${SQLITE3:-sqlite3}

rm -f "$db" "$db-wal" "$db-shm"
"$ADMIN" -d "$db" init
printf 'wonderland\n' | "$ADMIN" -d "$db" user add alice
printf 'builder\n' | "$ADMIN" -d "$db" user add bob
printf 'carol-pw\n' | "$ADMIN" -d "$db" user add carol
"$ADMIN" -d "$db" user disable carol
for r in editor viewer admin; do
	"$ADMIN" -d "$db" role add "$r"
done
"$ADMIN" -d "$db" grant alice editor
"$ADMIN" -d "$db" grant bob viewer
"$ADMIN" -d "$db" rule add '/public/**' GET all >/dev/null
"$ADMIN" -d "$db" rule add /status GET all >/dev/null
"$ADMIN" -d "$db" rule add '/docs/**' GET viewer >/dev/null
"$ADMIN" -d "$db" rule add '/docs/**' GET,PUT,DELETE editor >/dev/null
"$ADMIN" -d "$db" rule add '/admin/**' '*' admin >/dev/null
# Stricter than /docs/**: what every server serves for /docs/.
"$ADMIN" -d "$db" rule add /docs/index.html GET editor >/dev/null

"$SQLITE3" -batch "$db" <<'SQL'
UPDATE settings SET value = 'Portcullis demo' WHERE name = 'realm';
INSERT INTO members (user, role) VALUES ('alice', 'viewer');
INSERT INTO rules (pattern, methods, principal)
    VALUES ('/members/**', 'GET', 'valid-user');
-- The virtual host secret.example: its /public/ is for admins only.
INSERT INTO rules (pattern, host, methods, principal)
    VALUES ('/public/**', 'secret.example', 'GET', 'admin');
SQL

rm -rf "$root"
mkdir -p "$root/public" "$root/docs" "$root/admin" "$root/members"
printf '<h1>Public</h1>\n' > "$root/public/index.html"
printf 'ok\n' > "$root/status"
printf 'The guide: only viewers and editors read this.\n' \
    > "$root/docs/guide.txt"
printf '<h1>Docs</h1>\n' > "$root/docs/index.html"
printf '<h1>Admin</h1>\n' > "$root/admin/index.html"
printf '<h1>Members</h1>\n' > "$root/members/index.html"
printf 'outside the document root\n' > "$root/../outside.txt"
ln -sf ../../outside.txt "$root/docs/link-out"
# A link from a public name to an admin-only file, and a dotfile in a
# public directory: neither may be served (issue 7, items 8 and 14).
ln -sf ../admin/index.html "$root/public/alias.txt"
printf 'alice:$y$j9T$not-for-the-web\n' > "$root/public/.htpasswd"
echo "demo database: $db; document root: $root"
