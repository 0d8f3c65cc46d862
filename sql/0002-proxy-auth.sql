-- Portcullis schema, version 2: the proxy_auth setting.
--
-- With proxy_auth 'on', Portcullis guards a forward proxy: it reads
-- credentials from Proxy-Authorization and answers missing or bad ones
-- with 407 Proxy Authentication Required + Proxy-Authenticate
-- (RFC 9110 §11.7.1, §15.5.8) instead of 401 + WWW-Authenticate.
--
-- SQLite cannot change a CHECK constraint in place: the settings table
-- is rebuilt with its rows.

CREATE TABLE settings_new (
	-- 'realm': the realm of the Basic challenge.
	-- 'proxy_auth': 'on' or 'off' (default), see above.
	name TEXT NOT NULL PRIMARY KEY
	    CONSTRAINT "unknown setting (known: realm, proxy_auth)"
	    CHECK (name IN ('realm', 'proxy_auth')),
	-- The value; for 'realm' 1-255 printable bytes without '"' or '\',
	-- for 'proxy_auth' 'on' or 'off'.
	value TEXT NOT NULL
	    CONSTRAINT "realm must be 1-255 bytes without quotes, backslashes or control characters"
	    CHECK (name <> 'realm'
		OR (length(CAST(value AS BLOB)) BETWEEN 1 AND 255
		    AND value NOT GLOB '*["\]*'
		    AND value NOT GLOB ('*[' || char(1) || '-' || char(31) || char(127) || ']*')))
	    CONSTRAINT "proxy_auth must be 'on' or 'off'"
	    CHECK (name <> 'proxy_auth' OR value IN ('on', 'off'))
) STRICT;
INSERT INTO settings_new (name, value) SELECT name, value FROM settings;
DROP TABLE settings;
ALTER TABLE settings_new RENAME TO settings;
INSERT INTO settings (name, value) VALUES ('proxy_auth', 'off');
