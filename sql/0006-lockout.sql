-- Portcullis schema, version 6: lockout (issue 10).
--
-- Six settings for brute-force lockout (README "Lockout",
-- portcullis(5)).  Failed logins are counted in a separate state
-- database that the server writes (PORTCULLIS_STATE, by default the
-- policy's path + "-state", made by `portcullis init`), per (user
-- name, client network) and per client network alone (IPv4 /32, IPv6
-- /64).  The Nth failure within the window locks that key for the lock
-- time: 429 + Retry-After, checked before any password is verified.
--
--   lockout_attempts                 failures of one user name from one
--       network that lock them: 0 (off) to 1000, default 5.
--   lockout_window_seconds           within how long: 1-86400, 900.
--   lockout_seconds                  how long the lock holds: 1-604800,
--       default 900.
--   lockout_network_attempts         failures from one network, any
--       user names, that lock the network: 0 (off) to 100000,
--       default 50.
--   lockout_network_window_seconds   1-86400, default 900.
--   lockout_network_seconds          1-604800, default 900.
--
-- A setting without a row has its default: no rows are added here, so
-- an export shows only what an administrator set.  Values are decimal
-- text without sign, spaces or leading zeros, as in version 5;
-- src/store.c reads them with the same ranges.
--
-- SQLite cannot change a CHECK constraint in place: the settings table
-- is rebuilt with its rows, as in versions 2 and 5.

CREATE TABLE settings_new (
	-- 'realm': the realm of the Basic challenge.
	-- 'proxy_auth': 'on' or 'off' (default): credentials from
	-- Proxy-Authorization, failures answered 407.
	-- 'credential_cache_seconds', 'credential_cache_entries': version 5.
	-- 'lockout_*': above.
	name TEXT NOT NULL PRIMARY KEY
	    CONSTRAINT "unknown setting (known: realm, proxy_auth, credential_cache_seconds, credential_cache_entries, lockout_attempts, lockout_window_seconds, lockout_seconds, lockout_network_attempts, lockout_network_window_seconds, lockout_network_seconds)"
	    CHECK (name IN ('realm', 'proxy_auth', 'credential_cache_seconds',
		'credential_cache_entries', 'lockout_attempts',
		'lockout_window_seconds', 'lockout_seconds',
		'lockout_network_attempts', 'lockout_network_window_seconds',
		'lockout_network_seconds')),
	-- The value; for 'realm' 1-255 printable bytes without '"' or '\',
	-- for 'proxy_auth' 'on' or 'off', for the others a decimal
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
	    CONSTRAINT "lockout_attempts must be a whole number from 0 (off) to 1000"
	    CHECK (name <> 'lockout_attempts'
		OR (value = CAST(CAST(value AS INTEGER) AS TEXT)
		    AND CAST(value AS INTEGER) BETWEEN 0 AND 1000))
	    CONSTRAINT "lockout_network_attempts must be a whole number from 0 (off) to 100000"
	    CHECK (name <> 'lockout_network_attempts'
		OR (value = CAST(CAST(value AS INTEGER) AS TEXT)
		    AND CAST(value AS INTEGER) BETWEEN 0 AND 100000))
	    CONSTRAINT "lockout windows must be whole numbers of seconds from 1 to 86400"
	    CHECK (name NOT IN ('lockout_window_seconds', 'lockout_network_window_seconds')
		OR (value = CAST(CAST(value AS INTEGER) AS TEXT)
		    AND CAST(value AS INTEGER) BETWEEN 1 AND 86400))
	    CONSTRAINT "lockout times must be whole numbers of seconds from 1 to 604800 (a week)"
	    CHECK (name NOT IN ('lockout_seconds', 'lockout_network_seconds')
		OR (value = CAST(CAST(value AS INTEGER) AS TEXT)
		    AND CAST(value AS INTEGER) BETWEEN 1 AND 604800))
) STRICT;
INSERT INTO settings_new (name, value) SELECT name, value FROM settings;
DROP TABLE settings;
ALTER TABLE settings_new RENAME TO settings;
