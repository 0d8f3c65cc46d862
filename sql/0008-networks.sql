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
