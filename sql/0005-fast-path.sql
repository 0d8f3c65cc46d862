-- Portcullis schema, version 5: the fast path (issue 8).
--
-- Two settings for the credential cache of a FastCGI process
-- (README "Credential cache", portcullis(5)):
--
--   credential_cache_seconds  how long a verified password is taken
--       as verified without hashing it again: 0-86400, default 300;
--       0 turns the cache off.
--   credential_cache_entries  how many (user, password, hash) a
--       process remembers: 1-1000000, default 4096; the least
--       recently used go first.
--
-- Values are decimal text without sign, spaces or leading zeros: a
-- value is its own CAST to INTEGER and back.  src/store.c reads them
-- with the same ranges (CREDCACHE_*_MAX in src/extern.h).
--
-- SQLite cannot change a CHECK constraint in place: the settings table
-- is rebuilt with its rows, as in version 2.  Nothing refers to it.

CREATE TABLE settings_new (
	-- 'realm': the realm of the Basic challenge.
	-- 'proxy_auth': 'on' or 'off' (default): credentials from
	-- Proxy-Authorization, failures answered 407.
	-- 'credential_cache_seconds', 'credential_cache_entries': above.
	name TEXT NOT NULL PRIMARY KEY
	    CONSTRAINT "unknown setting (known: realm, proxy_auth, credential_cache_seconds, credential_cache_entries)"
	    CHECK (name IN ('realm', 'proxy_auth', 'credential_cache_seconds',
		'credential_cache_entries')),
	-- The value; for 'realm' 1-255 printable bytes without '"' or '\',
	-- for 'proxy_auth' 'on' or 'off', for the cache settings a decimal
	-- number in the range above.
	value TEXT NOT NULL
	    CONSTRAINT "realm must be 1-255 bytes without quotes, backslashes or control characters"
	    CHECK (name <> 'realm'
		OR (length(CAST(value AS BLOB)) BETWEEN 1 AND 255
		    AND value NOT GLOB '*["\]*'
		    AND value NOT GLOB ('*[' || char(1) || '-' || char(31) || char(127) || ']*')))
	    CONSTRAINT "proxy_auth must be 'on' or 'off'"
	    CHECK (name <> 'proxy_auth' OR value IN ('on', 'off'))
	    CONSTRAINT "credential_cache_seconds must be a whole number of seconds from 0 (off) to 86400"
	    CHECK (name <> 'credential_cache_seconds'
		OR (value = CAST(CAST(value AS INTEGER) AS TEXT)
		    AND CAST(value AS INTEGER) BETWEEN 0 AND 86400))
	    CONSTRAINT "credential_cache_entries must be a whole number from 1 to 1000000"
	    CHECK (name <> 'credential_cache_entries'
		OR (value = CAST(CAST(value AS INTEGER) AS TEXT)
		    AND CAST(value AS INTEGER) BETWEEN 1 AND 1000000))
) STRICT;
INSERT INTO settings_new (name, value) SELECT name, value FROM settings;
DROP TABLE settings;
ALTER TABLE settings_new RENAME TO settings;
INSERT INTO settings (name, value) VALUES ('credential_cache_seconds', '300');
INSERT INTO settings (name, value) VALUES ('credential_cache_entries', '4096');
