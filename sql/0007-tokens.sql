-- Portcullis schema, version 7: API tokens and app passwords (issue 12).
--
-- A token is a credential of its own for scripts and for clients that
-- only speak Basic: "pct_" + 16 lowercase hex digits (the id, public:
-- it names the token in lists and logs) + "_" + 64 lowercase hex
-- digits (the secret, 256 random bits), 85 bytes in all.  It is sent
-- as "Authorization: Bearer TOKEN" (RFC 6750) or as the password of
-- Basic ("USER:TOKEN", USER its owner).  Only the SHA-256 of the whole
-- token is kept: the secret is random, so a fast hash is right, and
-- nothing stored here lets anyone log in.  Make tokens with
--
--   portcullis token add USER [--label TEXT] [--expires DATE]
--       [--roles ROLE,...]
--
-- which prints the token once; a token made by hand needs its hash:
--   printf %s "$TOKEN" | sha256sum
--
-- A token acts as its owner, with the owner's roles, or with only
-- those of token_roles when its "limited" column is 1 (the owner's
-- roles intersected with the token's: a role the owner loses is lost
-- by the token too).  The owner must be enabled and unexpired and the
-- token itself not disabled nor expired.  Deleting the owner deletes
-- its tokens; deleting a role takes it out of every token's list, and
-- a limited token left with no role grants only what "valid-user"
-- does (`portcullis lint` reports it).

CREATE TABLE tokens (
	-- The public id: 16 lowercase hex digits, the part of the token
	-- between "pct_" and the second "_".
	id TEXT NOT NULL PRIMARY KEY
	    CONSTRAINT "token id must be 16 lowercase hex digits"
	    CHECK (length(id) = 16 AND id NOT GLOB '*[^0-9a-f]*'),
	-- The owner, a users.name: the token logs in as this user.
	user TEXT NOT NULL REFERENCES users (name)
	    ON UPDATE CASCADE ON DELETE CASCADE,
	-- The SHA-256 of the whole token, as 64 lowercase hex digits.
	hash TEXT NOT NULL
	    CONSTRAINT "token hash must be 64 lowercase hex digits (the SHA-256 of the whole token)"
	    CHECK (length(hash) = 64 AND hash NOT GLOB '*[^0-9a-f]*'),
	-- Free text for the administrator: what the token is for, 0-255
	-- bytes without control characters.
	label TEXT NOT NULL DEFAULT ''
	    CONSTRAINT "token label must be 0-255 bytes without control characters"
	    CHECK (length(CAST(label AS BLOB)) <= 255
		AND label NOT GLOB ('*[' || char(1) || '-' || char(31) || char(127) || ']*')),
	-- When the row was made, UTC; informational.
	created TEXT NOT NULL DEFAULT (datetime('now')),
	-- NULL, or the UTC time from which the token no longer works, as
	-- 'YYYY-MM-DD' or 'YYYY-MM-DD HH:MM:SS' (as users.expires).
	expires TEXT DEFAULT NULL
	    CONSTRAINT "token expires must be NULL or a date, YYYY-MM-DD[ HH:MM:SS] (UTC)"
	    CHECK (expires IS NULL OR datetime(expires) IS NOT NULL),
	-- 1: the token cannot log in (the row is kept).
	disabled INTEGER NOT NULL DEFAULT 0
	    CONSTRAINT "token disabled must be 0 or 1"
	    CHECK (disabled IN (0, 1)),
	-- 1: the token holds only the roles of its token_roles rows that
	-- the owner holds too; 0: all of the owner's roles.
	limited INTEGER NOT NULL DEFAULT 0
	    CONSTRAINT "token limited must be 0 or 1"
	    CHECK (limited IN (0, 1))
) STRICT;
CREATE INDEX tokens_by_user ON tokens (user);

-- The roles a limited token may use: one row per (token, role).
CREATE TABLE token_roles (
	-- A tokens.id.
	token TEXT NOT NULL REFERENCES tokens (id)
	    ON UPDATE CASCADE ON DELETE CASCADE,
	-- A roles.name the token's owner holds when the row is made.
	role TEXT NOT NULL REFERENCES roles (name)
	    ON UPDATE CASCADE ON DELETE CASCADE,
	PRIMARY KEY (token, role)
) STRICT, WITHOUT ROWID;
CREATE INDEX token_roles_by_role ON token_roles (role);

-- As in version 1, triggers keep the references whole in a plain
-- sqlite3 shell, where PRAGMA foreign_keys is off.
CREATE TRIGGER tokens_need_user BEFORE INSERT ON tokens
WHEN NOT EXISTS (SELECT 1 FROM users WHERE name = NEW.user)
BEGIN SELECT RAISE(ABORT, 'tokens: no such user (add it to users first)'); END;

CREATE TRIGGER tokens_update_user BEFORE UPDATE OF user ON tokens
WHEN NOT EXISTS (SELECT 1 FROM users WHERE name = NEW.user)
BEGIN SELECT RAISE(ABORT, 'tokens: no such user'); END;

CREATE TRIGGER token_roles_need_token BEFORE INSERT ON token_roles
WHEN NOT EXISTS (SELECT 1 FROM tokens WHERE id = NEW.token)
BEGIN SELECT RAISE(ABORT, 'token_roles: no such token'); END;

CREATE TRIGGER token_roles_need_member BEFORE INSERT ON token_roles
WHEN NOT EXISTS (SELECT 1 FROM members AS m JOIN tokens AS t
    ON m.user = t.user WHERE t.id = NEW.token AND m.role = NEW.role)
BEGIN SELECT RAISE(ABORT, 'token_roles: the token''s owner does not hold that role'); END;

CREATE TRIGGER token_roles_update_check BEFORE UPDATE ON token_roles
WHEN NOT EXISTS (SELECT 1 FROM tokens WHERE id = NEW.token)
    OR NOT EXISTS (SELECT 1 FROM roles WHERE name = NEW.role)
BEGIN SELECT RAISE(ABORT, 'token_roles: no such token or role'); END;

CREATE TRIGGER tokens_users_delete AFTER DELETE ON users
BEGIN DELETE FROM tokens WHERE user = OLD.name; END;

CREATE TRIGGER tokens_users_rename AFTER UPDATE OF name ON users
BEGIN UPDATE tokens SET user = NEW.name WHERE user = OLD.name; END;

CREATE TRIGGER tokens_delete AFTER DELETE ON tokens
BEGIN DELETE FROM token_roles WHERE token = OLD.id; END;

-- The id is part of the token (and of its hash): it cannot change.
CREATE TRIGGER tokens_rename BEFORE UPDATE OF id ON tokens
WHEN NEW.id IS NOT OLD.id
BEGIN SELECT RAISE(ABORT, 'tokens: the id is part of the token: make a new one'); END;

CREATE TRIGGER token_roles_roles_delete AFTER DELETE ON roles
BEGIN DELETE FROM token_roles WHERE role = OLD.name; END;

CREATE TRIGGER token_roles_roles_rename AFTER UPDATE OF name ON roles
BEGIN UPDATE token_roles SET role = NEW.name WHERE role = OLD.name; END;
