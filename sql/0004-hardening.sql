-- Portcullis schema, version 4: hardening after an attack (issue 7).
--
-- Each section below is one change, self-contained; they share this
-- migration only because they ship together.  Like every migration it
-- runs in one transaction with PRAGMA user_version = 4, possibly with
-- PRAGMA foreign_keys on (portcullis) or off (a plain sqlite3 shell).
--
--   1. Host names: resources.host takes exactly what the request
--      parser (host_canon() in src/path.c) produces.
--   2. Hash costs: users.hash refuses a cost over the server's caps.

-- ---------------------------------------------------------------------
-- 1. Host names: one definition for the schema and the request parser.
--
-- A canonical host is either
--   (a) a reg-name: 1-255 bytes of a-z 0-9 . _ -, made of non-empty
--       labels separated by single dots, with no leading or trailing
--       dot (no rule on the length of a label); or
--   (b) an IP-literal: '[' + one or more of 0-9 a-f : . + ']',
--       e.g. '[::1]' (no more than 255 bytes either).
-- tests/hosts.tab holds the cases; tests/hosts.sh checks this CHECK and
-- tests/check_path.c checks host_canon() against every row.  Version 3
-- refused '_' (which requests carry) and every IP-literal (inside GLOB
-- '\[' is no escape), and took empty labels ('a..b', '.a').
--
-- SQLite cannot change a CHECK constraint in place: resources is
-- rebuilt with its rows (and rowids) the documented way
-- (https://sqlite.org/lang_altertable.html#otheralter).  Nothing
-- REFERENCES resources, so PRAGMA foreign_keys does not matter here.
-- What names resources outside its own triggers and index (the
-- triggers of rules and the view resources_without_rules) is dropped
-- first, so that the rename never sees a missing table, and made again
-- as it was.  A database holding a host that this definition refuses
-- stops here with the constraint's message: remove that rule (it
-- could not match any request) and run `portcullis init` again.

DROP VIEW resources_without_rules;
DROP TRIGGER rules_make_resource;
DROP TRIGGER rules_update_resource;

CREATE TABLE resources_new (
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
	-- NULL: any virtual host.  Otherwise a canonical host name as the
	-- request parser makes it (see above): lower case, no port, no
	-- trailing dot: 'www.example.com', 'a_b.example', '127.0.0.1',
	-- '[::1]'.  It beats a NULL-host resource with the same pattern.
	host TEXT DEFAULT NULL
	    CONSTRAINT "host must be NULL, a lower-case host name (dot-separated labels of a-z 0-9 _ -) or an IP literal such as [::1], without port or trailing dot"
	    CHECK (host IS NULL
		OR (length(CAST(host AS BLOB)) BETWEEN 1 AND 255
		    -- ASCII without NUL: length() counts characters up
		    -- to the first NUL, the BLOB length every byte.
		    AND length(host) = length(CAST(host AS BLOB))
		    AND ((host NOT GLOB '*[^a-z0-9._-]*'
			    AND host NOT GLOB '.*'
			    AND host NOT GLOB '*.'
			    AND host NOT GLOB '*..*')
			-- In GLOB '[[]' is a literal '['; a ']' outside
			-- a class is itself.
			OR (host GLOB '[[]?*]'
			    AND substr(host, 2, length(host) - 2)
				NOT GLOB '*[^0-9a-f:.]*')))),
	-- Free text for the administrator.
	comment TEXT NOT NULL DEFAULT ''
) STRICT;
INSERT INTO resources_new (rowid, pattern, host, comment)
    SELECT rowid, pattern, host, comment FROM resources;
-- Also drops the index resources_unique and the triggers
-- resources_delete and resources_rename; they are made again below.
DROP TABLE resources;
ALTER TABLE resources_new RENAME TO resources;

CREATE UNIQUE INDEX resources_unique ON resources (pattern, ifnull(host, ''));

CREATE TRIGGER resources_delete AFTER DELETE ON resources
BEGIN DELETE FROM rules WHERE pattern = OLD.pattern AND host IS OLD.host; END;

CREATE TRIGGER resources_rename AFTER UPDATE OF pattern, host ON resources
BEGIN
	UPDATE rules SET pattern = NEW.pattern, host = NEW.host
	    WHERE pattern = OLD.pattern AND host IS OLD.host;
END;

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

-- Resources no rule refers to: they still decide the paths they
-- match, and refuse every request there (405 with an empty Allow).
-- Often left behind by deleting the last rule.
CREATE VIEW resources_without_rules (
	-- resources.host, or '*' for any host.
	host,
	-- resources.pattern.
	pattern,
	-- resources.comment.
	comment
) AS
SELECT ifnull(res.host, '*'), res.pattern, res.comment
FROM resources AS res
WHERE NOT EXISTS (SELECT 1 FROM rules AS r
    WHERE r.pattern = res.pattern AND r.host IS res.host)
ORDER BY res.pattern, ifnull(res.host, '');

-- End of section 1 (host names).
-- ---------------------------------------------------------------------

-- ---------------------------------------------------------------------
-- 2. Hash costs: the caps the server applies (issue 7, item 7).
--
-- Every request for a user verifies the stored hash again, so its
-- cost bounds what one request costs; `$2b$31$` would run for hours.
-- The server answers 401 for a hash over these caps without hashing
-- (src/passwd.c, pw_cost(); the caps are defined in src/extern.h,
-- keep both equal); here INSERT and UPDATE refuse them, in any
-- sqlite3 shell, with or without the portcullis extension:
--   bcrypt ($2a$ $2b$ $2y$)   cost at most 12          (default 5)
--   sha-crypt ($5$ $6$)       rounds at most 100000    (default 5000)
--   yescrypt ($y$)            at most 64 MiB: the three one-character
--       parameters crypt_gensalt() makes (flavour, N = 2^(1 + v),
--       r = 1 + v, v the character's place in ./0-9A-Za-z), with
--       128 * N * r <= 64 MiB: "jBT" (mkpasswd -R 7) is the most,
--       "j9T" (16 MiB) the default
--   argon2 ($argon2id$ $argon2i$)  m at most 262144 KiB, t at most 64,
--       m * t at most 786432 KiB (libsodium's MODERATE), p at most 16
-- Each trigger looks only at strings of the form the CHECK constraint
-- of users.hash takes, so that a malformed hash gets its message.
-- Rows already stored are left alone (a database from before this
-- version may hold such hashes): `portcullis lint` reports them, and
-- `portcullis user passwd` replaces them.

CREATE TRIGGER users_hash_bcrypt_insert BEFORE INSERT ON users
WHEN NEW.hash GLOB '$2[aby]$[0-9][0-9]$*'
    AND CAST(substr(NEW.hash, 5, 2) AS INTEGER) > 12
BEGIN
	SELECT RAISE(ABORT, 'hash cost over the cap: bcrypt cost must be at most 12 (see portcullis(5))');
END;
CREATE TRIGGER users_hash_bcrypt_update BEFORE UPDATE OF hash ON users
WHEN NEW.hash GLOB '$2[aby]$[0-9][0-9]$*'
    AND CAST(substr(NEW.hash, 5, 2) AS INTEGER) > 12
BEGIN
	SELECT RAISE(ABORT, 'hash cost over the cap: bcrypt cost must be at most 12 (see portcullis(5))');
END;

-- The digits after '$6$rounds=' (or '$5$rounds='), read by CAST.
CREATE TRIGGER users_hash_shacrypt_insert BEFORE INSERT ON users
WHEN NEW.hash GLOB '$[56]$rounds=*$?*'
    AND CAST(substr(NEW.hash, 11) AS INTEGER) > 100000
BEGIN
	SELECT RAISE(ABORT, 'hash cost over the cap: sha-crypt rounds must be at most 100000 (see portcullis(5))');
END;
CREATE TRIGGER users_hash_shacrypt_update BEFORE UPDATE OF hash ON users
WHEN NEW.hash GLOB '$[56]$rounds=*$?*'
    AND CAST(substr(NEW.hash, 11) AS INTEGER) > 100000
BEGIN
	SELECT RAISE(ABORT, 'hash cost over the cap: sha-crypt rounds must be at most 100000 (see portcullis(5))');
END;

-- instr() of a character in the alphabet is 1 + v: N_log2 and r.
CREATE TRIGGER users_hash_yescrypt_insert BEFORE INSERT ON users
WHEN NEW.hash GLOB '$y$?*$?*'
    AND NOT (substr(NEW.hash, 4, 4)
	    GLOB '[./0-9A-Za-j][./0-9A-Za-j][./0-9A-Za-j]$'
	AND 128 * (1 << instr('./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz', substr(NEW.hash, 5, 1)))
	    * instr('./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz', substr(NEW.hash, 6, 1))
	    <= 64 * 1024 * 1024)
BEGIN
	SELECT RAISE(ABORT, 'hash cost over the cap: yescrypt must take at most 64 MiB, as mkpasswd -m yescrypt -R 7 or less makes (see portcullis(5))');
END;
CREATE TRIGGER users_hash_yescrypt_update BEFORE UPDATE OF hash ON users
WHEN NEW.hash GLOB '$y$?*$?*'
    AND NOT (substr(NEW.hash, 4, 4)
	    GLOB '[./0-9A-Za-j][./0-9A-Za-j][./0-9A-Za-j]$'
	AND 128 * (1 << instr('./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz', substr(NEW.hash, 5, 1)))
	    * instr('./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz', substr(NEW.hash, 6, 1))
	    <= 64 * 1024 * 1024)
BEGIN
	SELECT RAISE(ABORT, 'hash cost over the cap: yescrypt must take at most 64 MiB, as mkpasswd -m yescrypt -R 7 or less makes (see portcullis(5))');
END;

-- The numbers after the first '$m=', ',t=' and ',p=' (salt and hash
-- are base64: no ',').
CREATE TRIGGER users_hash_argon2_insert BEFORE INSERT ON users
WHEN NEW.hash GLOB '$argon2i*$v=*$m=*,t=*,p=*$?*$?*'
    AND (CAST(substr(NEW.hash, instr(NEW.hash, '$m=') + 3) AS INTEGER) > 262144
	OR CAST(substr(NEW.hash, instr(NEW.hash, ',t=') + 3) AS INTEGER) > 64
	OR CAST(substr(NEW.hash, instr(NEW.hash, '$m=') + 3) AS INTEGER)
	    * CAST(substr(NEW.hash, instr(NEW.hash, ',t=') + 3) AS INTEGER) > 786432
	OR CAST(substr(NEW.hash, instr(NEW.hash, ',p=') + 3) AS INTEGER) > 16)
BEGIN
	SELECT RAISE(ABORT, 'hash cost over the cap: argon2 needs m at most 262144 (KiB), t at most 64, m*t at most 786432 and p at most 16 (see portcullis(5))');
END;
CREATE TRIGGER users_hash_argon2_update BEFORE UPDATE OF hash ON users
WHEN NEW.hash GLOB '$argon2i*$v=*$m=*,t=*,p=*$?*$?*'
    AND (CAST(substr(NEW.hash, instr(NEW.hash, '$m=') + 3) AS INTEGER) > 262144
	OR CAST(substr(NEW.hash, instr(NEW.hash, ',t=') + 3) AS INTEGER) > 64
	OR CAST(substr(NEW.hash, instr(NEW.hash, '$m=') + 3) AS INTEGER)
	    * CAST(substr(NEW.hash, instr(NEW.hash, ',t=') + 3) AS INTEGER) > 786432
	OR CAST(substr(NEW.hash, instr(NEW.hash, ',p=') + 3) AS INTEGER) > 16)
BEGIN
	SELECT RAISE(ABORT, 'hash cost over the cap: argon2 needs m at most 262144 (KiB), t at most 64, m*t at most 786432 and p at most 16 (see portcullis(5))');
END;

-- End of section 2 (hash costs).
-- ---------------------------------------------------------------------
