-- Portcullis schema: the role hierarchy (issue 12).
--
-- A role may include other roles: a row (role, includes) means that
-- whoever holds `role` also holds `includes`, and so everything a rule
-- grants to `includes` (RBAC seniority: admin includes editor, so an
-- admin gets every grant made to editor).  Inclusion is transitive:
-- with admin > editor and editor > viewer, an admin holds viewer too.
--
--   INSERT INTO role_includes (role, includes) VALUES ('admin', 'editor');
--   INSERT INTO role_includes (role, includes) VALUES ('editor', 'viewer');
--
-- or `portcullis role include admin editor`.  A role cannot include
-- itself, directly or through others: a row that would close a cycle
-- is refused.  The server computes what each role includes once per
-- policy change (as it compiles the rules), never per request; a
-- policy that holds a cycle anyway (triggers dropped) or more than
-- the server's bounds (1024 roles in inclusions, 8192 rows) is not
-- served: every request is answered 500 until it is mended.
--
-- Who holds what, directly or through inclusion:
--   SELECT * FROM effective_roles WHERE user = 'alice';
--
-- Deleting a role deletes its rows here (either side); renaming one
-- renames it here.  A token limited to some roles (sql/0007) acts with
-- the roles its owner holds, directly or through inclusion, that its
-- list holds, directly or through inclusion.

CREATE TABLE role_includes (
	-- A roles.name: whoever holds it ...
	role TEXT NOT NULL REFERENCES roles (name)
	    ON UPDATE CASCADE ON DELETE CASCADE,
	-- ... holds this roles.name too (and what it includes).
	includes TEXT NOT NULL REFERENCES roles (name)
	    ON UPDATE CASCADE ON DELETE CASCADE,
	PRIMARY KEY (role, includes),
	CONSTRAINT "a role cannot include itself"
	    CHECK (role <> includes)
) STRICT, WITHOUT ROWID;
CREATE INDEX role_includes_by_includes ON role_includes (includes);

-- As in version 1, triggers keep the references whole in a plain
-- sqlite3 shell, where PRAGMA foreign_keys is off.
CREATE TRIGGER role_includes_need_roles BEFORE INSERT ON role_includes
WHEN NOT EXISTS (SELECT 1 FROM roles WHERE name = NEW.role)
    OR NOT EXISTS (SELECT 1 FROM roles WHERE name = NEW.includes)
BEGIN SELECT RAISE(ABORT, 'role_includes: no such role (add it to roles first)'); END;

CREATE TRIGGER role_includes_update_roles BEFORE UPDATE ON role_includes
WHEN NOT EXISTS (SELECT 1 FROM roles WHERE name = NEW.role)
    OR NOT EXISTS (SELECT 1 FROM roles WHERE name = NEW.includes)
BEGIN SELECT RAISE(ABORT, 'role_includes: no such role'); END;

-- No cycles: a new row (role, includes) is refused when `includes`
-- already includes `role`, directly or through others (a role that
-- names itself is the CHECK constraint's to refuse).  UNION (not
-- UNION ALL) ends the walk even on a database that holds a cycle.
CREATE TRIGGER role_includes_no_cycle BEFORE INSERT ON role_includes
WHEN NEW.role <> NEW.includes AND EXISTS (
	WITH RECURSIVE below (name) AS (
		SELECT NEW.includes
		UNION
		SELECT i.includes FROM role_includes AS i
		JOIN below AS b ON i.role = b.name
	)
	SELECT 1 FROM below WHERE name = NEW.role)
BEGIN SELECT RAISE(ABORT, 'role_includes: a cycle: the included role already includes the role, directly or through others'); END;

-- The same for a changed row, walking every row but the old one.
CREATE TRIGGER role_includes_update_cycle BEFORE UPDATE ON role_includes
WHEN NEW.role <> NEW.includes AND EXISTS (
	WITH RECURSIVE below (name) AS (
		SELECT NEW.includes
		UNION
		SELECT i.includes FROM role_includes AS i
		JOIN below AS b ON i.role = b.name
		WHERE NOT (i.role = OLD.role AND i.includes = OLD.includes)
	)
	SELECT 1 FROM below WHERE name = NEW.role)
BEGIN SELECT RAISE(ABORT, 'role_includes: a cycle: the included role already includes the role, directly or through others'); END;

CREATE TRIGGER role_includes_roles_delete AFTER DELETE ON roles
BEGIN
	DELETE FROM role_includes
	    WHERE role = OLD.name OR includes = OLD.name;
END;

CREATE TRIGGER role_includes_roles_rename AFTER UPDATE OF name ON roles
BEGIN
	UPDATE role_includes SET role = NEW.name WHERE role = OLD.name;
	UPDATE role_includes SET includes = NEW.name
	    WHERE includes = OLD.name;
END;

-- Tokens (sql/0007): a limited token may list a role its owner holds
-- through inclusion.  Made again with the inclusion walk.
DROP TRIGGER token_roles_need_member;
CREATE TRIGGER token_roles_need_member BEFORE INSERT ON token_roles
WHEN NOT EXISTS (
	WITH RECURSIVE held (name) AS (
		SELECT m.role FROM members AS m JOIN tokens AS t
		    ON m.user = t.user WHERE t.id = NEW.token
		UNION
		SELECT i.includes FROM role_includes AS i
		JOIN held AS h ON i.role = h.name
	)
	SELECT 1 FROM held WHERE name = NEW.role)
BEGIN SELECT RAISE(ABORT, 'token_roles: the token''s owner does not hold that role'); END;

-- Every role each user holds: one row per (user, role), with how.
-- The walk keeps (user, role, via) once each (UNION): it ends, and
-- stays small, however many ways a role is reached.
CREATE VIEW effective_roles (
	-- users.name.
	user,
	-- A roles.name the user holds.
	role,
	-- How: the role itself when held directly (members), else the
	-- first, in byte order, of the user's roles that includes it
	-- (`portcullis check` names the whole chain).
	via
) AS
WITH RECURSIVE
	held (user, role, via) AS (
		SELECT user, role, role FROM members
		UNION
		SELECT h.user, i.includes, h.via
		FROM held AS h JOIN role_includes AS i ON i.role = h.role
	)
SELECT user, role, CASE WHEN max(role = via) THEN role ELSE min(via) END
FROM held
GROUP BY user, role
ORDER BY user, role;

-- effective_permissions (sql/0009-networks.sql) again: a role's grants
-- reach those who hold it through inclusion too; the networks' marks
-- and ranks stay.
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
	-- network NET' (NAME the rule's role, held directly or through
	-- inclusion).
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
		SELECT e.user, r.host, r.pattern, s.method,
		    'role ' || r.principal ||
		    ifnull(' in network ' || r.network, ''),
		    r.id, CASE WHEN r.network IS NULL THEN 2 ELSE 5 END
		FROM rules AS r
		JOIN split AS s ON s.id = r.id AND s.method <> ''
		JOIN effective_roles AS e ON e.role = r.principal
		JOIN active AS a ON a.name = e.user
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
