-- Portcullis schema: named networks (issue 12, part 3).
--
-- A network is a name and one or more address ranges in CIDR form,
-- IPv4 or IPv6, one row per range:
--
--   INSERT INTO networks (name, cidr) VALUES ('office', '192.0.2.0/24');
--   INSERT INTO networks (name, cidr) VALUES ('office', '2001:db8::/32');
--
-- Rules use a network in two ways, and both only ever add an allow:
--
--   principal 'net:NAME'  grants the methods WITHOUT credentials to a
--                         client whose address is in network NAME;
--   network 'NAME'        restricts a grant to a role or to
--                         'valid-user': it applies only when the user
--                         holds the role AND the client is in NAME.
--
--   INSERT INTO rules (pattern, methods, principal)
--       VALUES ('/intranet/**', 'GET', 'net:office');
--   INSERT INTO rules (pattern, methods, principal, network)
--       VALUES ('/admin/**', '*', 'admin', 'office');
--
-- The client's address is REMOTE_ADDR as the web server sets it after
-- its own real-IP handling (nginx realip, Apache mod_remoteip,
-- lighttpd mod_extforward), or the PORTCULLIS_CLIENT_ADDR parameter a
-- server's configuration sets (Caddy: {client_ip}); never a header.
-- A client without a usable address is in no network.
--
-- The CHECK below refuses what is plainly not a network by its shape
-- only; the server and `portcullis net add` parse strictly (a prefix
-- with address bits set past it, such as 192.0.2.1/24, is refused by
-- `portcullis`, and a row the server cannot parse makes its whole
-- network match nothing: `portcullis lint` names it).  Deleting the
-- last row of a network deletes the rules that use it; renaming a
-- network (every row) renames it in the rules.

CREATE TABLE networks (
	-- Network name: 1-255 bytes of letters, digits and "._-", as
	-- role names; several rows of one name make one network.
	name TEXT NOT NULL
	    CONSTRAINT "network name must be 1-255 of A-Z a-z 0-9 . _ -"
	    CHECK (length(name) BETWEEN 1 AND 255
		AND name NOT GLOB '*[^A-Za-z0-9._-]*'),
	-- ADDRESS/PREFIX: '192.0.2.0/24', '10.0.0.1/32', '2001:db8::/32',
	-- '::1/128'; the bits past the prefix zero.
	cidr TEXT NOT NULL
	    CONSTRAINT "cidr must be an IPv4 or IPv6 network as ADDRESS/PREFIX, e.g. 192.0.2.0/24 or 2001:db8::/32"
	    CHECK (length(cidr) BETWEEN 4 AND 49
		AND cidr GLOB '?*/[0-9]*'
		AND cidr NOT GLOB '*/*/*'
		AND substr(cidr, instr(cidr, '/') + 1) NOT GLOB '*[^0-9]*'
		AND length(substr(cidr, instr(cidr, '/') + 1)) BETWEEN 1 AND 3
		AND ((cidr NOT GLOB '*[^0-9./]*'
			AND cidr GLOB '[0-9]*.[0-9]*.[0-9]*.[0-9]*/*'
			AND cidr NOT GLOB '*.*.*.*.*'
			AND CAST(substr(cidr, instr(cidr, '/') + 1) AS INTEGER) <= 32)
		    OR (cidr GLOB '*:*:*'
			AND cidr NOT GLOB '*[^0-9A-Fa-f:./]*'
			AND CAST(substr(cidr, instr(cidr, '/') + 1) AS INTEGER) <= 128))),
	PRIMARY KEY (name, cidr)
) STRICT, WITHOUT ROWID;

-- rules.network: NULL (the grant holds wherever the client is), or a
-- networks.name the client must be in for the grant to apply.  Only
-- for a grant to a role or to 'valid-user': 'all' and 'net:NAME'
-- grants need no credentials, and a network on them is refused
-- (write principal 'net:NAME' instead).
ALTER TABLE rules ADD COLUMN network TEXT DEFAULT NULL
    CONSTRAINT "rule network must be NULL or a network name"
    CHECK (network IS NULL
	OR (length(network) BETWEEN 1 AND 255
	    AND network NOT GLOB '*[^A-Za-z0-9._-]*'));

-- A principal may now be 'net:NAME' for an existing network.
DROP TRIGGER rules_need_principal;
DROP TRIGGER rules_update_principal;

CREATE TRIGGER rules_need_principal BEFORE INSERT ON rules
WHEN NEW.principal NOT IN ('all', 'valid-user')
    AND NOT EXISTS (SELECT 1 FROM roles WHERE name = NEW.principal)
    AND NOT (NEW.principal GLOB 'net:?*' AND EXISTS (SELECT 1
	FROM networks WHERE name = substr(NEW.principal, 5)))
BEGIN SELECT RAISE(ABORT, 'rules: principal must be all, valid-user, an existing role or net:NAME of an existing network'); END;

CREATE TRIGGER rules_update_principal BEFORE UPDATE OF principal ON rules
WHEN NEW.principal NOT IN ('all', 'valid-user')
    AND NOT EXISTS (SELECT 1 FROM roles WHERE name = NEW.principal)
    AND NOT (NEW.principal GLOB 'net:?*' AND EXISTS (SELECT 1
	FROM networks WHERE name = substr(NEW.principal, 5)))
BEGIN SELECT RAISE(ABORT, 'rules: principal must be all, valid-user, an existing role or net:NAME of an existing network'); END;

-- rules.network names an existing network, on a role or valid-user
-- grant only.
CREATE TRIGGER rules_need_network BEFORE INSERT ON rules
WHEN NEW.network IS NOT NULL
    AND NOT EXISTS (SELECT 1 FROM networks WHERE name = NEW.network)
BEGIN SELECT RAISE(ABORT, 'rules: no such network (add it to networks first)'); END;

CREATE TRIGGER rules_network_principal BEFORE INSERT ON rules
WHEN NEW.network IS NOT NULL
    AND (NEW.principal = 'all' OR NEW.principal GLOB 'net:*')
BEGIN SELECT RAISE(ABORT, 'rules: a network restricts a grant to a role or valid-user; to grant everyone in a network use principal net:NAME'); END;

CREATE TRIGGER rules_update_network BEFORE UPDATE OF network, principal
    ON rules
WHEN NEW.network IS NOT NULL
    AND (NOT EXISTS (SELECT 1 FROM networks WHERE name = NEW.network)
	OR NEW.principal = 'all' OR NEW.principal GLOB 'net:*')
BEGIN SELECT RAISE(ABORT, 'rules: network must be an existing network, on a grant to a role or valid-user (for everyone in a network use principal net:NAME)'); END;

-- The last row of a network gone: the rules that use it go too (a
-- rule restricted to a network never widens into one without).
CREATE TRIGGER networks_delete AFTER DELETE ON networks
WHEN NOT EXISTS (SELECT 1 FROM networks WHERE name = OLD.name)
BEGIN
	DELETE FROM rules WHERE principal = 'net:' || OLD.name
	    OR network = OLD.name;
END;

-- Every row of a network renamed: the rules follow.
CREATE TRIGGER networks_rename AFTER UPDATE OF name ON networks
WHEN NEW.name IS NOT OLD.name
    AND NOT EXISTS (SELECT 1 FROM networks WHERE name = OLD.name)
BEGIN
	UPDATE rules SET principal = 'net:' || NEW.name
	    WHERE principal = 'net:' || OLD.name;
	UPDATE rules SET network = NEW.name WHERE network = OLD.name;
END;

CREATE INDEX rules_by_network ON rules (network);

-- effective_permissions (version 3) knew no networks: a grant
-- restricted to one read as a plain grant, and net:NAME as a role.
-- The same view, with every grant that holds only from a network
-- marked, and ranked after the grants that hold from anywhere:
-- 'all', 'valid-user', 'role NAME', then 'net:NAME' (anyone in the
-- network, without credentials), 'valid-user in network NAME' and
-- 'role NAME in network NAME'.
DROP VIEW effective_permissions;
CREATE VIEW effective_permissions (
	-- users.name.
	user,
	-- resources.host, or '*' for any host.
	host,
	-- resources.pattern.
	pattern,
	-- One method token named by the rule, or '*' for every method.
	method,
	-- How the user holds it: 'all', 'valid-user', 'role NAME',
	-- 'net:NET', 'valid-user in network NET' or 'role NAME in
	-- network NET'.
	how,
	-- rules.id of the grant, as `portcullis check` shows it.
	rule
) AS
WITH RECURSIVE
	-- Each rule's methods, one token per row.
	split (id, method, rest) AS (
		SELECT id, '', methods || ',' FROM rules
		UNION ALL
		SELECT id, substr(rest, 1, instr(rest, ',') - 1),
		    substr(rest, instr(rest, ',') + 1)
		FROM split WHERE rest <> ''
	),
	-- Users not disabled and not expired (as the server judges it).
	active (name) AS (
		SELECT name FROM users
		WHERE NOT disabled AND (expires IS NULL
		    OR datetime(expires) > datetime('now'))
	),
	-- Every grant, with its rank: 0 all, 1 valid-user, 2 a role,
	-- then those that hold only from a network: 3 net:NAME, 4
	-- valid-user in a network, 5 a role in a network.
	grants (user, host, pattern, method, how, rule, rank) AS (
		SELECT u.name, r.host, r.pattern, s.method, 'all', r.id, 0
		FROM rules AS r
		JOIN split AS s ON s.id = r.id AND s.method <> ''
		CROSS JOIN users AS u
		WHERE r.principal = 'all'
		UNION ALL
		SELECT u.name, r.host, r.pattern, s.method, r.principal,
		    r.id, 3
		FROM rules AS r
		JOIN split AS s ON s.id = r.id AND s.method <> ''
		CROSS JOIN users AS u
		WHERE r.principal GLOB 'net:*'
		UNION ALL
		SELECT a.name, r.host, r.pattern, s.method,
		    'valid-user' || ifnull(' in network ' || r.network, ''),
		    r.id, CASE WHEN r.network IS NULL THEN 1 ELSE 4 END
		FROM rules AS r
		JOIN split AS s ON s.id = r.id AND s.method <> ''
		CROSS JOIN active AS a
		WHERE r.principal = 'valid-user'
		UNION ALL
		SELECT m.user, r.host, r.pattern, s.method,
		    'role ' || r.principal ||
		    ifnull(' in network ' || r.network, ''),
		    r.id, CASE WHEN r.network IS NULL THEN 2 ELSE 5 END
		FROM rules AS r
		JOIN split AS s ON s.id = r.id AND s.method <> ''
		JOIN members AS m ON m.role = r.principal
		JOIN active AS a ON a.name = m.user
		WHERE r.principal NOT IN ('all', 'valid-user')
		    AND r.principal NOT GLOB 'net:*'
	),
	-- The first grant of each (user, resource, method).
	ranked AS (
		SELECT *, row_number() OVER (
		    PARTITION BY user, ifnull(host, ''), pattern, method
		    ORDER BY rank, rule) AS n
		FROM grants
	)
SELECT user, ifnull(host, '*'), pattern, method, how, rule
FROM ranked WHERE n = 1
ORDER BY user, pattern, ifnull(host, ''), method;
