#!/bin/sh
# net.sh: named networks (issue 12 part 3; sql/0009-networks.sql) from
# the administrator's side: the exact stdout, stderr and exit status of
# net add|del|list, rule add with net:NAME and --net, rule list, check
# --addr, the network findings of lint, export and import policy of
# networks and rules.network, and the rows the cascades leave.

set -u

. "${top_srcdir:-.}/tests/clilib.sh"
MODE_AR='mode: auth_request (--mode)'
NOADDR='client: - (no address: in no network; check --addr ADDR asks for a client at ADDR)'
# same DESC FILE1 FILE2: the files are byte-identical.
same() {
	if cmp -s "$2" "$3"; then
		result 1 "$1"
	else
		result 0 "$1"
		diff "$2" "$3" | sed 's/^/# /'
	fi
}
HDR401='Status: 401 Unauthorized
WWW-Authenticate: Basic realm="Portcullis", charset="UTF-8"
Cache-Control: no-store
Content-Type: text/plain; charset=utf-8
Content-Length: 17'

"$P" -d "$DB" init >/dev/null || exit 1
printf 's3cret\n' | "$P" -d "$DB" user add alice >/dev/null 2>&1
printf 's3cret\n' | "$P" -d "$DB" user add bob >/dev/null 2>&1
"$P" -d "$DB" role add ed >/dev/null
"$P" -d "$DB" grant alice ed >/dev/null

# --- usage ----------------------------------------------------------------
for args in "net" "net frob" "net add" "net add office" "net del" \
    "net del a b c" "net list x"; do
	# shellcheck disable=SC2086
	run -d "$DB" $args
	result "$([ $rc -eq 2 ] && grep -q '^usage: ' "$T/err" &&
	    [ ! -s "$T/out" ] && echo 1 || echo 0)" "usage: $args"
done
run help net
expect "help net" 0 'usage: portcullis [-d DB] net add NAME CIDR ...
       portcullis [-d DB] net del NAME [CIDR]
       portcullis [-d DB] net list
Add ranges to a named network (for net:NAME rules and rule add --net), delete a range or a whole network, or list them.' ""

# --- net add ----------------------------------------------------------------
run -d "$DB" net add office 192.0.2.0/24 2001:DB8::/32 127.0.0.1
expect "net add: one line per range, canonical" 0 \
"network office: 192.0.2.0/24 added
network office: 2001:db8::/32 added
network office: 127.0.0.1/32 added" ""
run -d "$DB" net add office 10.0.0.0/8 192.0.2.0/24
expect "net add: a range there already; nothing written" 1 "" \
    "portcullis: network office: 192.0.2.0/24: already exists"
sql "net add: all or nothing" "SELECT count(*) FROM networks WHERE cidr = '10.0.0.0/8'" 0
run -d "$DB" net add lab 10.1.2.3/8
expect "net add: host bits set" 1 "" \
    "portcullis: 10.1.2.3/8: address bits set past the prefix length"
run -d "$DB" net add lab ::ffff:10.0.0.0/104
expect "net add: IPv4-mapped" 1 "" \
    "portcullis: ::ffff:10.0.0.0/104: an IPv4-mapped IPv6 network (write the IPv4 one)"
run -d "$DB" net add lab 10.0.0.0/33
expect "net add: prefix too long" 1 "" \
    "portcullis: 10.0.0.0/33: prefix length must be 0-32"
run -d "$DB" net add lab 10.0.0.0/08
expect "net add: a leading zero" 1 "" \
    "portcullis: 10.0.0.0/08: prefix length must be 0-32"
run -d "$DB" net add lab '10.0.0.0 /8'
expect "net add: a blank" 1 "" \
    "portcullis: 10.0.0.0 /8: not an IPv4 or IPv6 address"
run -d "$DB" net add lab fe80::1%eth0
expect "net add: a zone" 1 "" \
    "portcullis: fe80::1%eth0: not an IPv4 or IPv6 address"
run -d "$DB" net add 'a b' 10.0.0.0/8
expect "net add: a bad name" 1 "" \
    "portcullis: network name: must be 1-255 of A-Z a-z 0-9 . _ -"
run -d "$DB" net add lab 10.0.0.0/8 192.0.2.128/25
expect "net add: a second network" 0 "network lab: 10.0.0.0/8 added
network lab: 192.0.2.128/25 added" ""

# --- rules -----------------------------------------------------------------
run -d "$DB" rule add '/in/**' GET net:office
expect "rule add net:NAME" 0 "rule 1 added: /in/** GET net:office" ""
run -d "$DB" rule add '/in/**' GET,POST ed
expect "rule add: a role rule beside it" 0 "rule 2 added: /in/** GET,POST ed" ""
run -d "$DB" rule add --net office '/adm/**' GET ed
expect "rule add --net" 0 "rule 3 added: /adm/** GET ed (network office)" ""
run -d "$DB" rule add --net=office '/v/**' GET valid-user
expect "rule add --net=: valid-user" 0 \
    "rule 4 added: /v/** GET valid-user (network office)" ""
run -d "$DB" rule add '/x' GET net:nope
expect "rule add: no such network" 1 "" \
    "portcullis: rule add: principal: no network 'nope' (portcullis net add nope CIDR...; existing: lab, office)"
run -d "$DB" rule add --net nope '/x' GET ed
expect "rule add --net: no such network" 1 "" \
    "portcullis: rule add: --net: no network 'nope' (portcullis net add nope CIDR...; existing: lab, office)"
run -d "$DB" rule add --net office '/x' GET all
expect "rule add --net on all" 1 "" \
    "portcullis: rule add: --net restricts a grant to a role or valid-user; to grant everyone in network office without credentials use principal net:office"
run -d "$DB" rule add --net lab '/x' GET net:office
expect "rule add --net on net:" 1 "" \
    "portcullis: rule add: --net restricts a grant to a role or valid-user; to grant everyone in network lab without credentials use principal net:lab"
run -d "$DB" rule list
expect "rule list shows networks" 0 "1	*	/in/**	GET	net:office
2	*	/in/**	GET,POST	ed
3	*	/adm/**	GET	ed (network office)
4	*	/v/**	GET	valid-user (network office)" ""

# --- net list ----------------------------------------------------------------
"$SQLITE3" -batch "$DB" "INSERT INTO networks VALUES ('bad', '10.1.2.3/8')"
run -d "$DB" net list
expect "net list: sorted; an unparsable row says so" 0 \
"bad 10.1.2.3/8 (unparsable: address bits set past the prefix length; the network matches nothing)
lab 10.0.0.0/8
lab 192.0.2.128/25
office 127.0.0.1/32
office 192.0.2.0/24
office 2001:db8::/32" ""

# --- check --addr ------------------------------------------------------------
run -d "$DB" check --mode auth_request --addr 192.0.2.7 GET /in/x
expect "check --addr: in the network" 0 "$MODE_AR
path: /in/x
host: -
client: 192.0.2.7
resource: /in/**
rule: 1
network: office
user: -
reason: grant-network
status: 200 OK
Status: 200 OK
X-Portcullis-User: 
X-Portcullis-Roles: 
Cache-Control: no-store
Content-Length: 0" ""
run -d "$DB" check --mode auth_request --addr 198.51.100.1 GET /in/x
expect "check --addr: outside" 1 "$MODE_AR
path: /in/x
host: -
client: 198.51.100.1
resource: /in/**
rule: -
network: office (the client is not in it)
user: -
reason: no-credentials
status: 401 Unauthorized
$HDR401" ""
run -d "$DB" check --mode auth_request GET /in/x
expect "check without --addr: which address it assumed" 1 "$MODE_AR
path: /in/x
host: -
$NOADDR
resource: /in/**
rule: -
network: office (not asked: no client address)
user: -
reason: no-credentials
status: 401 Unauthorized
$HDR401" ""
run -i 's3cret
' -d "$DB" check --mode auth_request --addr 198.51.100.1 GET /adm/x alice
expect "check --addr: the right user, the wrong network" 1 "$MODE_AR
path: /adm/x
host: -
client: 198.51.100.1
resource: /adm/**
rule: -
network: office (the client is not in it)
user: alice
reason: no-grant
granted to: ed (network office) (alice has: ed)
status: 403 Forbidden
Status: 403 Forbidden
X-Portcullis-Status: 403
Cache-Control: no-store
Content-Type: text/plain; charset=utf-8
Content-Length: 14" ""
run -i 's3cret
' -d "$DB" check --mode auth_request --addr 2001:db8::9 GET /adm/x alice
expect "check --addr: the right user, the right network" 0 "$MODE_AR
path: /adm/x
host: -
client: 2001:db8::9
resource: /adm/**
rule: 3
network: office
user: alice
reason: grant-role
status: 200 OK
Status: 200 OK
X-Portcullis-User: alice
X-Portcullis-Roles: ed
Cache-Control: no-store
Content-Length: 0" ""
run -d "$DB" check --addr 192.0.2.7:80 GET /in/x
expect "check --addr: not an address" 1 "" \
    "portcullis: check: --addr: not an IPv4 or IPv6 address"
run -d "$DB" check --mode auth_request GET /pub
expect "check: no network in the decision, no client line" 1 "$MODE_AR
path: /pub
host: -
resource: -
rule: -
user: -
reason: no-resource
status: 403 Forbidden
Status: 403 Forbidden
X-Portcullis-Status: 403
Cache-Control: no-store
Content-Type: text/plain; charset=utf-8
Content-Length: 14" ""

# --- lint ----------------------------------------------------------------------
run -d "$DB" lint
expect "lint: the network findings" 1 "network bad: 10.1.2.3/8 does not parse (address bits set past the prefix length): the server's network bad matches no client until it is fixed
networks lab, office: lab 192.0.2.128/25 and office 192.0.2.0/24 overlap: a client there is in both
network bad: no rule uses it (rule add PATTERN METHODS net:bad, or rule add --net bad)
network lab: no rule uses it (rule add PATTERN METHODS net:lab, or rule add --net lab)
rules 1,2: rule 1 grants GET on /in/** to every client in network office without credentials: for those clients rule 2 (ed) never runs" ""

# --- export, import policy ---------------------------------------------------
"$SQLITE3" -batch "$DB" "DELETE FROM networks WHERE name = 'bad'"
run -d "$DB" export
cp "$T/out" "$T/e1.sql"
result "$(grep -c "^INSERT INTO networks (name, cidr) VALUES ('office', '2001:db8::/32');\$" "$T/e1.sql")" \
    "export: a networks row"
result "$(grep -c "^INSERT INTO rules (id, pattern, host, methods, principal, comment, network) VALUES (3, '/adm/\*\*', NULL, 'GET', 'ed', '', 'office');\$" "$T/e1.sql")" \
    "export: a rule's network"
"$P" -d "$T/two.db" init >/dev/null
run -d "$T/two.db" import policy "$T/e1.sql"
expect "import policy: networks before the rules that use them" 0 \
"added role ed
added user alice (no usable password: set one with portcullis user passwd)
added user bob (no usable password: set one with portcullis user passwd)
added resource /adm/**
added resource /in/**
added resource /v/**
added network lab 10.0.0.0/8
added network lab 192.0.2.128/25
added network office 127.0.0.1/32
added network office 192.0.2.0/24
added network office 2001:db8::/32
added rule 1 (/in/** GET net:office)
added rule 2 (/in/** GET,POST ed)
added rule 3 (/adm/** GET ed network office)
added rule 4 (/v/** GET valid-user network office)
granted alice ed" ""
run -d "$T/two.db" export
same "export -> import -> export: the same bytes" "$T/e1.sql" "$T/out"
# A changed network: ranges added before the old ones go.
sed -e "s|('office', '192.0.2.0/24')|('office', '198.51.100.0/24')|" \
    -e "/('lab', /d" "$T/e1.sql" >"$T/e2.sql"
run -d "$T/two.db" import policy "$T/e2.sql"
expect "import policy: a range replaced, a network gone" 0 \
"added network office 198.51.100.0/24
deleted network lab 10.0.0.0/8
deleted network lab 192.0.2.128/25
deleted network office 192.0.2.0/24" ""
"$SQLITE3" -batch "$T/two.db" "SELECT id FROM rules ORDER BY id" >"$T/ids"
result "$([ "$(tr '\n' ' ' <"$T/ids")" = "1 2 3 4 " ] && echo 1 || echo 0)" \
    "import policy: the rules of a network that stays stay"
# A file from before networks (no network column) still imports.
sed -e 's/, network) VALUES/) VALUES/' \
    -e "/^INSERT INTO rules/s/, NULL);\$/);/" \
    -e "/'office');\$/d" -e "/net:office/d" "$T/e1.sql" >"$T/old.sql"
"$P" -d "$T/three.db" init >/dev/null
run -d "$T/three.db" import policy "$T/old.sql"
result "$([ $rc -eq 0 ] && grep -qx 'added rule 2 (/in/\*\* GET,POST ed)' "$T/out" && echo 1 || echo 0)" \
    "import policy: a file without rules.network"
printf '%s\n' '-- portcullis policy, format 1' \
    "INSERT INTO rules (id, pattern, host, methods, principal, comment, network) VALUES (1, '/x', NULL, 'GET', 'net:nope', '', NULL);" \
    >"$T/bad1.sql"
run -d "$T/three.db" import policy "$T/bad1.sql"
expect "import policy: net:NAME of no network in the file" 1 "" \
    "portcullis: $T/bad1.sql:2: rule 1: no network nope in the file"
printf '%s\n' '-- portcullis policy, format 1' \
    "INSERT INTO networks (name, cidr) VALUES ('n', '10.1.2.3/8');" \
    >"$T/bad2.sql"
run -d "$T/three.db" import policy "$T/bad2.sql"
expect "import policy: a range net add refuses" 1 "" \
    "portcullis: $T/bad2.sql:2: network n 10.1.2.3/8: address bits set past the prefix length"

# --- net del ---------------------------------------------------------------------
run -d "$DB" net del office 127.0.0.1
expect "net del NAME CIDR: canonical" 0 "network office: 127.0.0.1/32 deleted" ""
run -d "$DB" net del office 127.0.0.1/32
expect "net del: no such range" 1 "" \
    "portcullis: network office: 127.0.0.1/32: no such range"
run -d "$DB" net del nope
expect "net del: no such network" 1 "" "portcullis: network nope: no such network"
run -d "$DB" net del office
expect "net del NAME: its rules go, and a bare resource is named" 0 \
    "network office deleted" \
"portcullis: warning: rules 1, 3, 4 used network office and were deleted with it
portcullis: warning: resource /adm/** has no rules left: every request it decides is now answered 405; portcullis resource del '/adm/**' removes it
portcullis: warning: resource /v/** has no rules left: every request it decides is now answered 405; portcullis resource del '/v/**' removes it"
sql "net del: the rules left" "SELECT id, principal FROM rules ORDER BY id" "2|ed"
run -d "$DB" net del lab 192.0.2.128/25
expect "net del: not the last range" 0 "network lab: 192.0.2.128/25 deleted" ""
run -d "$DB" net del lab 10.0.0.0/8
expect "net del: the last range" 0 \
    "network lab: 10.0.0.0/8 deleted, the last: the network is gone" ""

finish net
