-- Portcullis schema, version 1.
--
-- This file is the administrator's interface as much as the program's:
-- read it with `.schema` in the sqlite3 shell.  Every table refuses
-- nonsense by itself (CHECK constraints and triggers), so the data stays
-- valid even in a plain `sqlite3` session where PRAGMA foreign_keys is
-- off.  Names, not ids, tie the tables together:
--
--   INSERT INTO users (name, hash) VALUES ('alice', '$y$j9T$...');
--   INSERT INTO roles (name) VALUES ('editor');
--   INSERT INTO members (user, role) VALUES ('alice', 'editor');
--   INSERT INTO rules (pattern, methods, principal)
--       VALUES ('/docs/**', 'GET,PUT', 'editor');
--
-- Applied by `portcullis init` in one transaction that also sets
-- PRAGMA user_version = 1.

-- Users who can authenticate with HTTP Basic credentials.
CREATE TABLE users (
	-- Login name: 1-255 bytes, no ':' (RFC 7617) and no control bytes.
	name TEXT NOT NULL PRIMARY KEY
	    CONSTRAINT "user name must be 1-255 bytes without ':' or control characters"
	    CHECK (length(CAST(name AS BLOB)) BETWEEN 1 AND 255
		AND instr(name, ':') = 0
		AND name NOT GLOB ('*[' || char(1) || '-' || char(31) || char(127) || ']*')),
	-- Password hash in crypt(3) or PHC form: bcrypt ($2a$, $2b$, $2y$),
	-- yescrypt ($y$), sha-crypt ($6$, $5$), argon2id or argon2i.
	-- Make one with `portcullis user passwd`, `mkpasswd -m yescrypt`,
	-- or `htpasswd -nB USER | cut -d: -f2-`.  $apr1$, {SHA} and
	-- plaintext are refused.
	hash TEXT NOT NULL
	    CONSTRAINT "hash must be a bcrypt, yescrypt, sha-crypt or argon2 string (see portcullis(8))"
	    CHECK (length(hash) BETWEEN 13 AND 511
		AND (hash GLOB '$2[aby]$[0-9][0-9]$*'
		    OR hash GLOB '$y$?*$?*'
		    OR hash GLOB '$6$?*$?*'
		    OR hash GLOB '$5$?*$?*'
		    OR hash GLOB '$argon2id$v=*$m=*,t=*,p=*$?*$?*'
		    OR hash GLOB '$argon2i$v=*$m=*,t=*,p=*$?*$?*')),
	-- 1: the user cannot log in (the row and its roles are kept).
	disabled INTEGER NOT NULL DEFAULT 0
	    CONSTRAINT "disabled must be 0 or 1"
	    CHECK (disabled IN (0, 1)),
	-- NULL, or the UTC time from which the user can no longer log in,
	-- as 'YYYY-MM-DD' or 'YYYY-MM-DD HH:MM:SS'.
	expires TEXT DEFAULT NULL
	    CONSTRAINT "expires must be NULL or a date, YYYY-MM-DD[ HH:MM:SS] (UTC)"
	    CHECK (expires IS NULL OR datetime(expires) IS NOT NULL),
	-- When the row was made, UTC; informational.
	created TEXT NOT NULL DEFAULT (datetime('now'))
) STRICT;

-- Roles are named sets of users; rules grant methods to roles.
CREATE TABLE roles (
	-- Role name: 1-255 bytes of letters, digits and "._-"; "all" and
	-- "valid-user" are principals of their own and cannot be roles.
	name TEXT NOT NULL PRIMARY KEY
	    CONSTRAINT "role name must be 1-255 of A-Z a-z 0-9 . _ - and not 'all' or 'valid-user'"
	    CHECK (length(name) BETWEEN 1 AND 255
		AND name NOT GLOB '*[^A-Za-z0-9._-]*'
		AND name NOT IN ('all', 'valid-user')),
	-- Free text for the administrator.
	comment TEXT NOT NULL DEFAULT ''
) STRICT;

-- Who holds which role: one row per (user, role).
CREATE TABLE members (
	-- A users.name.
	user TEXT NOT NULL REFERENCES users (name)
	    ON UPDATE CASCADE ON DELETE CASCADE,
	-- A roles.name.
	role TEXT NOT NULL REFERENCES roles (name)
	    ON UPDATE CASCADE ON DELETE CASCADE,
	PRIMARY KEY (user, role)
) STRICT, WITHOUT ROWID;
CREATE INDEX members_by_role ON members (role);

-- Resources: the paths rules talk about.  A request is decided by the
-- most specific resource matching its canonical path (see README,
-- "Decision semantics"); a resource without rules denies everything.
CREATE TABLE resources (
	-- A path pattern: '/status' (exactly that path), '/docs/**' (/docs
	-- and everything beneath), '/users/*/avatar' (* is exactly one
	-- segment).  Starts with '/'; no '//', '.', '..', '?', '#', '%',
	-- '\' or control bytes; '*' and '**' are whole segments; '**' only
	-- last.
	pattern TEXT NOT NULL
	    CONSTRAINT "pattern must be an absolute path; * and ** are whole segments, ** only last (see README)"
	    CHECK (length(CAST(pattern AS BLOB)) BETWEEN 1 AND 4096
		AND pattern GLOB '/*'
		AND pattern NOT GLOB '*//*'
		AND pattern NOT GLOB '*/./*' AND pattern NOT GLOB '*/.'
		AND pattern NOT GLOB '*/../*' AND pattern NOT GLOB '*/..'
		AND pattern NOT GLOB '*[?#%\]*'
		AND pattern NOT GLOB ('*[' || char(1) || '-' || char(31) || char(127) || ']*')
		-- a '*' only as a whole segment, '*' or '**' ...
		AND pattern NOT GLOB '*[^/*][*]*'
		AND pattern NOT GLOB '*[*][^/*]*'
		AND pattern NOT GLOB '*[*][*][*]*'
		-- ... and '**' only as the last one.
		AND (instr(pattern, '/**') = 0
		    OR instr(pattern, '/**') = length(pattern) - 2)),
	-- NULL: any virtual host.  Otherwise the host name, lower case,
	-- without port or trailing dot; it beats a NULL-host resource
	-- with the same pattern.
	host TEXT DEFAULT NULL
	    CONSTRAINT "host must be NULL or a lower-case host name without port or trailing dot"
	    CHECK (host IS NULL
		OR (length(host) BETWEEN 1 AND 255
		    AND host = lower(host)
		    AND host NOT GLOB '*.'
		    AND (host NOT GLOB '*[^a-z0-9.-]*'
			OR host GLOB '\[[0-9a-f:.]*\]'))),
	-- Free text for the administrator.
	comment TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE UNIQUE INDEX resources_unique ON resources (pattern, ifnull(host, ''));

-- Rules grant methods on a resource to a principal.  Inserting a rule
-- for a (pattern, host) that has no resource row creates it.
CREATE TABLE rules (
	-- Shown by `portcullis rule list` and in logs as rule=ID.
	id INTEGER PRIMARY KEY,
	-- The resource: resources.pattern ...
	pattern TEXT NOT NULL,
	-- ... and resources.host (NULL: the any-host resource).
	host TEXT DEFAULT NULL,
	-- Comma-separated, case-sensitive method tokens ('GET,HEAD,POST')
	-- or '*' for every method.  GET implies HEAD.
	methods TEXT NOT NULL
	    CONSTRAINT "methods must be '*' or a comma-separated list of HTTP method tokens, e.g. 'GET,POST'"
	    CHECK (methods = '*'
		OR (length(methods) BETWEEN 1 AND 1000
		    AND methods NOT GLOB '*[^A-Za-z0-9!#$&''+.^_`|~,%-]*'
		    AND methods NOT GLOB ',*'
		    AND methods NOT GLOB '*,'
		    AND methods NOT GLOB '*,,*')),
	-- 'all' (anyone, no credentials), 'valid-user' (any authenticated
	-- user) or a roles.name.
	principal TEXT NOT NULL,
	-- Free text for the administrator.
	comment TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX rules_by_resource ON rules (pattern, host);
CREATE INDEX rules_by_principal ON rules (principal);

-- Settings: one row per name.  Only the names listed are accepted.
CREATE TABLE settings (
	-- 'realm': the realm of the WWW-Authenticate challenge.
	name TEXT NOT NULL PRIMARY KEY
	    CONSTRAINT "unknown setting (known: realm)"
	    CHECK (name IN ('realm')),
	-- The value; for 'realm' 1-255 printable bytes without '"' or '\'.
	value TEXT NOT NULL
	    CONSTRAINT "realm must be 1-255 bytes without quotes, backslashes or control characters"
	    CHECK (name <> 'realm'
		OR (length(CAST(value AS BLOB)) BETWEEN 1 AND 255
		    AND value NOT GLOB '*["\]*'
		    AND value NOT GLOB ('*[' || char(1) || '-' || char(31) || char(127) || ']*')))
) STRICT;
INSERT INTO settings (name, value) VALUES ('realm', 'Portcullis');

-- Referential integrity that holds with PRAGMA foreign_keys off, as it
-- is in a plain sqlite3 shell.

CREATE TRIGGER members_need_user BEFORE INSERT ON members
WHEN NOT EXISTS (SELECT 1 FROM users WHERE name = NEW.user)
BEGIN SELECT RAISE(ABORT, 'members: no such user (add it to users first)'); END;

CREATE TRIGGER members_need_role BEFORE INSERT ON members
WHEN NOT EXISTS (SELECT 1 FROM roles WHERE name = NEW.role)
BEGIN SELECT RAISE(ABORT, 'members: no such role (add it to roles first)'); END;

CREATE TRIGGER members_update_check BEFORE UPDATE ON members
WHEN NOT EXISTS (SELECT 1 FROM users WHERE name = NEW.user)
    OR NOT EXISTS (SELECT 1 FROM roles WHERE name = NEW.role)
BEGIN SELECT RAISE(ABORT, 'members: no such user or role'); END;

CREATE TRIGGER users_delete AFTER DELETE ON users
BEGIN DELETE FROM members WHERE user = OLD.name; END;

CREATE TRIGGER users_rename AFTER UPDATE OF name ON users
BEGIN UPDATE members SET user = NEW.name WHERE user = OLD.name; END;

CREATE TRIGGER roles_delete AFTER DELETE ON roles
BEGIN
	DELETE FROM members WHERE role = OLD.name;
	DELETE FROM rules WHERE principal = OLD.name;
END;

CREATE TRIGGER roles_rename AFTER UPDATE OF name ON roles
BEGIN
	UPDATE members SET role = NEW.name WHERE role = OLD.name;
	UPDATE rules SET principal = NEW.name WHERE principal = OLD.name;
END;

CREATE TRIGGER rules_need_principal BEFORE INSERT ON rules
WHEN NEW.principal NOT IN ('all', 'valid-user')
    AND NOT EXISTS (SELECT 1 FROM roles WHERE name = NEW.principal)
BEGIN SELECT RAISE(ABORT, 'rules: principal must be all, valid-user or an existing role'); END;

CREATE TRIGGER rules_update_principal BEFORE UPDATE OF principal ON rules
WHEN NEW.principal NOT IN ('all', 'valid-user')
    AND NOT EXISTS (SELECT 1 FROM roles WHERE name = NEW.principal)
BEGIN SELECT RAISE(ABORT, 'rules: principal must be all, valid-user or an existing role'); END;

-- A rule for a resource that does not exist yet creates it (the
-- resources CHECK constraints then validate the pattern and host).
CREATE TRIGGER rules_make_resource BEFORE INSERT ON rules
WHEN NOT EXISTS (SELECT 1 FROM resources
    WHERE pattern = NEW.pattern AND host IS NEW.host)
BEGIN INSERT INTO resources (pattern, host) VALUES (NEW.pattern, NEW.host); END;

CREATE TRIGGER rules_update_resource BEFORE UPDATE OF pattern, host ON rules
WHEN NOT EXISTS (SELECT 1 FROM resources
    WHERE pattern = NEW.pattern AND host IS NEW.host)
BEGIN INSERT INTO resources (pattern, host) VALUES (NEW.pattern, NEW.host); END;

CREATE TRIGGER resources_delete AFTER DELETE ON resources
BEGIN DELETE FROM rules WHERE pattern = OLD.pattern AND host IS OLD.host; END;

CREATE TRIGGER resources_rename AFTER UPDATE OF pattern, host ON resources
BEGIN
	UPDATE rules SET pattern = NEW.pattern, host = NEW.host
	    WHERE pattern = OLD.pattern AND host IS OLD.host;
END;
