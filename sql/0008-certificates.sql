-- Portcullis schema: client certificates (issue 12).
--
-- A client certificate the web server verified logs in as a user of
-- this table, with no password (README, "Client certificates").  The
-- server must say it verified the certificate: Portcullis reads
-- SSL_CLIENT_VERIFY = "SUCCESS" with HTTPS = "on", parameters the
-- server's own configuration sets (nginx fastcgi_param, Apache
-- SSLOptions +StdEnvVars, lighttpd ssl.verifyclient.*), never a
-- header a client can send.  A row maps one certificate, or every
-- certificate of one subject, to a user, in one of two ways:
--
--  * fingerprint: the SHA-256 of the certificate's DER bytes, 64
--    lowercase hex digits, as
--      openssl x509 -in CERT.pem -outform DER | sha256sum
--    computes it; Portcullis computes it from the PEM the server
--    passes in SSL_CLIENT_CERT (Apache SSLOptions +ExportCertData,
--    nginx $ssl_client_escaped_cert, lighttpd
--    ssl.verifyclient.exportcert).  One certificate, whoever issued
--    it: a renewed certificate needs a new row.
--  * subject: the subject DN exactly as the server passes it in
--    SSL_CLIENT_S_DN (nginx and Apache give RFC 2253 strings, e.g.
--    "CN=alice,O=Example"; see what yours gives with `portcullis
--    check` or its log), optionally with the issuer DN the server
--    passes in SSL_CLIENT_I_DN, to accept the subject only from that
--    CA when the server trusts several.  Survives renewal.
--
-- Make rows with
--
--   portcullis cert add USER (--pem FILE | --fingerprint HEX |
--       --subject DN [--issuer DN]) [--comment TEXT]
--
-- A certificate maps to one user: a fingerprint is in one row at
-- most, and a subject maps to one user whatever the issuer (a row of
-- another issuer for the same user is fine).  When a certificate's
-- fingerprint and its subject both have rows, the fingerprint's row
-- decides.  The user must be enabled and unexpired, else the
-- certificate is not used and the request's Authorization decides.
-- Deleting or renaming the user deletes or follows its rows.

CREATE TABLE certificates (
	-- The row's number, for `portcullis cert list` and `cert del`.
	id INTEGER PRIMARY KEY,
	-- The user the certificate logs in as, a users.name.
	user TEXT NOT NULL REFERENCES users (name)
	    ON UPDATE CASCADE ON DELETE CASCADE,
	-- NULL, or the SHA-256 of the certificate's DER, 64 lowercase
	-- hex digits.
	fingerprint TEXT UNIQUE
	    CONSTRAINT "certificate fingerprint must be 64 lowercase hex digits (the SHA-256 of the DER certificate)"
	    CHECK (fingerprint IS NULL OR (length(fingerprint) = 64
		AND fingerprint NOT GLOB '*[^0-9a-f]*')),
	-- NULL, or the subject DN as the server passes it: 1-1024 bytes
	-- without control characters, compared byte for byte.
	subject TEXT
	    CONSTRAINT "certificate subject must be 1-1024 bytes without control characters"
	    CHECK (subject IS NULL OR (length(CAST(subject AS BLOB))
		BETWEEN 1 AND 1024 AND subject NOT GLOB
		('*[' || char(1) || '-' || char(31) || char(127) || ']*'))),
	-- NULL (any CA the server trusts), or the issuer DN the subject
	-- must come with, as the server passes it; only with a subject.
	issuer TEXT
	    CONSTRAINT "certificate issuer must be 1-1024 bytes without control characters"
	    CHECK (issuer IS NULL OR (length(CAST(issuer AS BLOB))
		BETWEEN 1 AND 1024 AND issuer NOT GLOB
		('*[' || char(1) || '-' || char(31) || char(127) || ']*'))),
	-- Free text for the administrator, 0-255 bytes without control
	-- characters.
	comment TEXT NOT NULL DEFAULT ''
	    CONSTRAINT "certificate comment must be 0-255 bytes without control characters"
	    CHECK (length(CAST(comment AS BLOB)) <= 255
		AND comment NOT GLOB ('*[' || char(1) || '-' || char(31) || char(127) || ']*')),
	-- When the row was made, UTC; informational.
	created TEXT NOT NULL DEFAULT (datetime('now')),
	CONSTRAINT "a certificate row has either a fingerprint or a subject"
	    CHECK ((fingerprint IS NULL) <> (subject IS NULL)),
	CONSTRAINT "a certificate issuer needs a subject"
	    CHECK (issuer IS NULL OR subject IS NOT NULL)
) STRICT;
CREATE INDEX certificates_by_user ON certificates (user);
-- One row per (subject, issuer), a missing issuer counted as one.
CREATE UNIQUE INDEX certificates_by_subject
    ON certificates (subject, ifnull(issuer, ''))
    WHERE subject IS NOT NULL;

-- As in version 1, triggers keep the references whole in a plain
-- sqlite3 shell, where PRAGMA foreign_keys is off.
CREATE TRIGGER certificates_need_user BEFORE INSERT ON certificates
WHEN NOT EXISTS (SELECT 1 FROM users WHERE name = NEW.user)
BEGIN SELECT RAISE(ABORT, 'certificates: no such user (add it to users first)'); END;

CREATE TRIGGER certificates_update_user BEFORE UPDATE OF user ON certificates
WHEN NOT EXISTS (SELECT 1 FROM users WHERE name = NEW.user)
BEGIN SELECT RAISE(ABORT, 'certificates: no such user'); END;

-- A subject logs in as one user, whichever issuer a row names.
CREATE TRIGGER certificates_one_user BEFORE INSERT ON certificates
WHEN NEW.subject IS NOT NULL AND EXISTS (SELECT 1 FROM certificates
    WHERE subject = NEW.subject AND user IS NOT NEW.user)
BEGIN SELECT RAISE(ABORT, 'certificates: that subject maps to another user'); END;

-- Renaming a user moves its rows one by one: a row still naming the
-- old name, which users no longer holds, is not another user.
CREATE TRIGGER certificates_one_user_update BEFORE UPDATE OF subject, user
ON certificates
WHEN NEW.subject IS NOT NULL AND EXISTS (SELECT 1 FROM certificates
    WHERE subject = NEW.subject AND user IS NOT NEW.user AND id <> NEW.id
    AND (user IS NOT OLD.user
	OR EXISTS (SELECT 1 FROM users WHERE name = OLD.user)))
BEGIN SELECT RAISE(ABORT, 'certificates: that subject maps to another user'); END;

CREATE TRIGGER certificates_users_delete AFTER DELETE ON users
BEGIN DELETE FROM certificates WHERE user = OLD.name; END;

CREATE TRIGGER certificates_users_rename AFTER UPDATE OF name ON users
BEGIN UPDATE certificates SET user = NEW.name WHERE user = OLD.name; END;
