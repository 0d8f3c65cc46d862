-- Portcullis schema, version 3: views for the administrator.
--
-- Read-only answers to the questions an administrator asks in the
-- sqlite3 shell; the server never reads them.  For example:
--
--   SELECT * FROM effective_permissions WHERE user = 'alice';
--   SELECT * FROM user_roles WHERE state <> 'enabled';
--   SELECT * FROM resources_without_rules;
--   SELECT * FROM users_without_roles;
--
-- A host of '*' means any virtual host (resources.host NULL), as in
-- `portcullis rule list`.

-- What each user may do: one row per user, resource and method named
-- by the rules, with the grant the server would use (a rule for 'all'
-- before one for 'valid-user' before one for a role, then the lowest
-- rule id).  Users who cannot log in (disabled or expired) keep only
-- what is granted to 'all'.  Per resource: a request is decided by the
-- most specific resource alone (README, "Decision semantics"), so a
-- grant on '/**' does not reach paths under a '/docs/**' that has
-- rules of its own.  GET implies HEAD; responder mode performs only
-- GET and HEAD, whatever the rules name.
CREATE VIEW effective_permissions (
	-- users.name.
	user,
	-- resources.host, or '*' for any host.
	host,
	-- resources.pattern.
	pattern,
	-- One method token named by the rule, or '*' for every method.
	method,
	-- How the user holds it: 'all', 'valid-user' or 'role NAME'.
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
	-- Every grant, with its rank: 0 all, 1 valid-user, 2 a role.
	grants (user, host, pattern, method, how, rule, rank) AS (
		SELECT u.name, r.host, r.pattern, s.method, 'all', r.id, 0
		FROM rules AS r
		JOIN split AS s ON s.id = r.id AND s.method <> ''
		CROSS JOIN users AS u
		WHERE r.principal = 'all'
		UNION ALL
		SELECT a.name, r.host, r.pattern, s.method, 'valid-user',
		    r.id, 1
		FROM rules AS r
		JOIN split AS s ON s.id = r.id AND s.method <> ''
		CROSS JOIN active AS a
		WHERE r.principal = 'valid-user'
		UNION ALL
		SELECT m.user, r.host, r.pattern, s.method,
		    'role ' || r.principal, r.id, 2
		FROM rules AS r
		JOIN split AS s ON s.id = r.id AND s.method <> ''
		JOIN members AS m ON m.role = r.principal
		JOIN active AS a ON a.name = m.user
		WHERE r.principal NOT IN ('all', 'valid-user')
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

-- Every user with its roles and whether it can log in.
CREATE VIEW user_roles (
	-- users.name.
	user,
	-- The user's roles, sorted, joined by ','; '' if none.
	roles,
	-- 'disabled' (users.disabled = 1), 'expired' (users.expires at or
	-- before now, UTC) or 'enabled', as `portcullis user list` says.
	state
) AS
SELECT u.name,
    ifnull((SELECT group_concat(role, ',') FROM
	(SELECT role FROM members WHERE user = u.name ORDER BY role)), ''),
    CASE WHEN u.disabled THEN 'disabled'
	WHEN u.expires IS NOT NULL
	    AND datetime(u.expires) <= datetime('now') THEN 'expired'
	ELSE 'enabled' END
FROM users AS u
ORDER BY u.name;

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

-- Users who can log in (neither disabled nor expired) but hold no
-- role: they reach only what is granted to 'all' and 'valid-user'.
CREATE VIEW users_without_roles (
	-- users.name.
	user,
	-- users.expires: NULL, or when the user stops being able to log in.
	expires
) AS
SELECT u.name, u.expires
FROM users AS u
WHERE NOT u.disabled
    AND (u.expires IS NULL OR datetime(u.expires) > datetime('now'))
    AND NOT EXISTS (SELECT 1 FROM members AS m WHERE m.user = u.name)
ORDER BY u.name;
