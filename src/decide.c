/*
 * decide.c: one request + the database -> one decision.
 *
 * decide_request() is the whole of it for main.c's serve() and for
 * `portcullis check`: req_parse() (a refused request: 400,
 * decide_badreq()), the store opened (or 500/503, decide_nostore()),
 * then decide(), in this order (README, "Decision semantics"):
 *  1. the most specific resource for (host, canonical path); none: 403;
 *  2. the method must be one the resource supports, else 405 + Allow;
 *  3. a grant of the method to "all": allowed, no credentials read;
 *     then a grant to "net:NAME" (sql/0009-networks.sql) when the
 *     client's address (req->addr: REMOTE_ADDR, or the server's
 *     PORTCULLIS_CLIENT_ADDR) is in network NAME: allowed
 *     (grant-network), no credentials read.  An address that does
 *     not parse is in no network: the decision goes on (fail closed);
 *  4. a client certificate the server verified and certificates
 *     maps to an enabled, unexpired user (cert_auth(), README "Client
 *     certificates"); else
 *     credentials (RFC 7617 Basic, or one of our tokens as Bearer or
 *     as the Basic password: README, "Tokens"; a token acts with its
 *     owner's roles, or those of its list the owner holds, in step
 *     5): lockout first (lockout.c: a locked client is 429 and costs
 *     no verification), then verified; any failure: 401, the same
 *     bytes whatever the reason (but error="invalid_token" for a
 *     failed Bearer token), and counted;
 *  5. a grant to "valid-user" or to a role the user holds: allowed;
 *     else 403.  A grant restricted to a network (rules.network)
 *     applies only when the client is in it too;
 *  6. a path ending in "/" names a directory, which every server (and
 *     file.c) answers with its index.html: when steps 1-5 allow it,
 *     they are run again for path + "index.html", and the stricter
 *     answer is the decision: the index's denial (401, 403, 405, ...)
 *     if it is denied, else the index's allow if it needs credentials
 *     where the directory's did not, else the directory's allow.
 *     Credentials are verified once for both.
 * An allow for a user in a deciding mode (not responder) then carries
 * the user's roles, for the server: those held directly and those
 * they include (held.c, roles.c: the role hierarchy, compiled with
 * the snapshot; a role grant in step 5 is held the same way).
 * Everything is read in one snapshot: the compiled policy (snapshot.c: settings, resources,
 * rules), current as of the read transaction store_begin() opens, and
 * the users, looked up in that same transaction only when credentials
 * are needed.  Every path that does not end in a grant ends in a
 * denial or an error: the verdict starts as VERDICT_ERROR and only a
 * matched rule makes it VERDICT_ALLOW; a store error on the way is
 * 500 (503 when locked), naming no user.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "extern.h"

/* The credentials, verified once per decision (step 6 asks twice). */
struct auth {
	int		 done;
	int		 rc;		/* authenticate()'s: 1 or 0 */
	enum why	 why;
	enum ccres	 cache;		/* the password: verified or cached */
	unsigned int	 retry_after;	/* WHY_LOCKED: seconds */
	char		 user[NAME_MAX_LEN + 1];
	char		 claimed[NAME_MAX_LEN + 1];
	char		 token[TOKEN_IDLEN + 1];
	int		 bad_token;
	char		 cert[CERT_LOGLEN + 1];
	enum why	 certwhy;
	/* The client's address, for networks (sql/0009): parsed once. */
	struct addr	 client;
	int		 client_ok;	/* addr_parse() took req->addr */
	int		 token_limited;
	int		 held_done;	/* held is read (held.c) */
	char		 held[ROLES_MAX];	/* the roles held, with the
					   included ones, ","-joined */
};

/*
 * Whether the client (a->client) is in network name of sn; a client
 * whose address did not parse (missing, "-", or not one address) is
 * in none, and d->noaddr says so for the log.  Returns 1 or 0.
 */
static int
in_network(const struct snapshot *sn, const struct auth *a,
    const char *name, struct decision *d)
{
	if (!a->client_ok) {
		d->noaddr = 1;
		return 0;
	}
	return net_contains(snap_networks(sn), name, &a->client);
}

static void
fail(struct decision *d, struct store *s, enum storeres res)
{
	d->verdict = res == STORE_BUSY ? VERDICT_BUSY : VERDICT_ERROR;
	d->why = res == STORE_BUSY ? WHY_BUSY :
	    res == STORE_SCHEMA ? WHY_SCHEMA : WHY_STORE;
	if (s != NULL && *store_errmsg(s) != '\0')
		snprintf(d->detail, sizeof(d->detail), "%s", store_errmsg(s));
}

/*
 * A user Apache authenticated (req->ruser, Apache as a Require
 * provider): trusted only as a user of ours that is neither disabled
 * nor expired, so deleting or disabling a user here revokes them
 * whatever Apache's own user file says.  Returns 1, 0 (d->why says
 * why not) or -1 on a store error.
 */
static int
trusted(struct store *s, const struct request *req, struct decision *d)
{
	char	 hash[PW_HASH_MAX + 1];
	int	 disabled = 0, expired = 0, rc;

	snprintf(d->claimed, sizeof(d->claimed), "%s", req->ruser);
	rc = store_user(s, req->ruser, strlen(req->ruser), hash,
	    sizeof(hash), &disabled, &expired);
	explicit_bzero(hash, sizeof(hash));
	if (rc == -1)
		return -1;
	if (rc == 0) {
		d->why = WHY_UNKNOWN_USER;
		return 0;
	}
	if (disabled || expired) {
		d->why = disabled ? WHY_DISABLED_USER : WHY_EXPIRED_USER;
		return 0;
	}
	memcpy(d->user, d->claimed, sizeof(d->user));
	return 1;
}

/*
 * Whether a failed login of why counts toward lockout: every outcome
 * of credentials that were sent, known user or not; not their absence
 * (a browser's first request).
 */
static int
counts(enum why why)
{
	return why == WHY_BAD_HEADER || why == WHY_UNKNOWN_USER ||
	    why == WHY_BAD_PASSWORD || why == WHY_DISABLED_USER ||
	    why == WHY_EXPIRED_USER || why == WHY_UNSUPPORTED_HASH ||
	    why == WHY_COSTLY_HASH || why == WHY_UNKNOWN_TOKEN ||
	    why == WHY_BAD_TOKEN || why == WHY_DISABLED_TOKEN ||
	    why == WHY_EXPIRED_TOKEN || why == WHY_TOKEN_USER;
}

/*
 * Look up the token c holds (a Bearer token, or a Basic password of
 * the token form) by its id, before lockout is asked: a Bearer token's
 * owner is the user name lockout counts.  Returns 1 (*t filled,
 * d->token its id), 0 (not a token of ours: d->token is its id if it
 * has the form) or -1 on a store error.
 */
static int
token_lookup(struct store *s, const struct cred *c, struct token_row *t,
    struct decision *d)
{
	char	 id[TOKEN_IDLEN + 1];

	if (token_id(c->pass, c->passsz, id) == -1)
		return 0;
	memcpy(d->token, id, sizeof(d->token));
	return store_token(s, id, t);
}

/*
 * Verify the token c holds against what token_lookup() found (found:
 * 1 if it did, t its row): the secret first, always (token_check():
 * an unknown id costs what a known one does), then, for Basic, the
 * user must be the owner, then the token and the owner must be
 * neither disabled nor expired.  No credential cache: a SHA-256 costs
 * less than a cache lookup would save.  Returns 1 (d->user the owner,
 * d->token the id) or 0 (d->why says why not).
 */
static int
token_verify(const struct cred *c, int found, const struct token_row *t,
    struct decision *d)
{
	int	 ok;

	ok = token_check(c->pass, c->passsz, found ? t->hash : NULL);
	if (!found)
		d->why = WHY_UNKNOWN_TOKEN;
	else if (!ok)
		d->why = WHY_BAD_TOKEN;
	else if (!c->bearer && strcmp(c->user, t->user) != 0)
		d->why = WHY_TOKEN_USER;
	else if (t->disabled)
		d->why = WHY_DISABLED_TOKEN;
	else if (t->expired)
		d->why = WHY_EXPIRED_TOKEN;
	else if (t->udisabled)
		d->why = WHY_DISABLED_USER;
	else if (t->uexpired)
		d->why = WHY_EXPIRED_USER;
	else {
		snprintf(d->user, sizeof(d->user), "%s", t->user);
		d->token_limited = t->limited;
		return 1;
	}
	return 0;
}

/*
 * Verify the password c holds for a user of the store.  Returns 1
 * (d->user set), 0 (d->why says why not) or -1 on a store or library
 * error.  An unknown user costs one dummy verification, as a known one
 * does.
 */
static int
verify(struct store *s, const struct settings *set, struct cred *c,
    struct decision *d)
{
	char		 hash[PW_HASH_MAX + 1];
	enum pwres	 pr;
	int		 disabled = 0, expired = 0, ret = 0;

	hash[0] = '\0';
	switch (store_user(s, c->user, c->usersz, hash, sizeof(hash),
	    &disabled, &expired)) {
	case 1:
		break;
	case 0:
		(void)pw_verify_dummy(c->pass, c->passsz);
		d->why = WHY_UNKNOWN_USER;
		return 0;
	default:
		return -1;
	}
	/*
	 * The credential cache (credcache.c) stands in for pw_verify()
	 * only for a user who may log in, and remembers only a success:
	 * a wrong password, a disabled or expired user and an unknown
	 * user all pay one full verification, as before.
	 */
	d->cache = CC_MISS;
	if (!disabled && !expired && credcache_lookup(set, c->user,
	    c->usersz, c->pass, c->passsz, hash)) {
		d->cache = CC_HIT;
		pr = PW_MATCH;
	} else
		pr = pw_verify(c->pass, c->passsz, hash);
	switch (pr) {
	case PW_MATCH:
		if (disabled)
			d->why = WHY_DISABLED_USER;
		else if (expired)
			d->why = WHY_EXPIRED_USER;
		else {
			memcpy(d->user, d->claimed, sizeof(d->user));
			if (d->cache == CC_MISS)
				credcache_insert(set, c->user, c->usersz,
				    c->pass, c->passsz, hash);
			ret = 1;
		}
		break;
	case PW_MISMATCH:
		d->why = WHY_BAD_PASSWORD;
		break;
	case PW_UNSUPPORTED:
		d->why = WHY_UNSUPPORTED_HASH;
		break;
	case PW_TOOCOSTLY:
		d->why = WHY_COSTLY_HASH;
		break;
	default:
		snprintf(d->detail, sizeof(d->detail), "password check failed");
		ret = -1;
		break;
	}
	explicit_bzero(hash, sizeof(hash));
	return ret;
}

/* A lockout state error: 503 (decide()), and why for the log. */
static int
lockout_err(struct decision *d)
{
	d->why = WHY_LOCKOUT_STATE;
	snprintf(d->detail, sizeof(d->detail), "%s", lockout_errmsg());
	return -1;
}

/*
 * A client certificate (README, "Client certificates"): one the
 * server verified (cert.c: SSL_CLIENT_VERIFY SUCCESS over HTTPS) and
 * a row of certificates maps (store_cert(): its fingerprint, else its
 * subject and issuer) to a user who is neither disabled nor expired
 * logs in as that user, with no password and nothing counted toward
 * lockout (a certificate is not guessed).  Otherwise the request's
 * own credentials decide, and d->certwhy says why the certificate was
 * not used, for the log: WHY_UNVERIFIED_CERT (the server did not
 * verify it: ignored), WHY_UNMAPPED_CERT, WHY_BAD_CERT (the PEM was
 * unreadable and no subject row matched), WHY_DISABLED_USER or
 * WHY_EXPIRED_USER.  d->cert names it for the log: the first
 * CERT_LOGLEN hex digits of its fingerprint, "subject" when a subject
 * row matched, "-" when there is neither.  Returns 1 (d->user set),
 * 0 (use the Authorization) or -1 on a store error.
 */
static int
cert_auth(struct store *s, const struct request *req, struct decision *d)
{
	const struct reqcert	*c = &req->cert;
	struct cert_row		 r;
	int			 rc;

	if (c->state == CERTST_UNVERIFIED) {
		d->certwhy = WHY_UNVERIFIED_CERT;
		snprintf(d->cert, sizeof(d->cert), "-");
		return 0;
	}
	if (c->state != CERTST_VERIFIED)
		return 0;
	snprintf(d->cert, sizeof(d->cert), "%.*s", CERT_LOGLEN,
	    c->fp[0] != '\0' ? c->fp : c->subject[0] != '\0' ? "subject" :
	    "-");
	if ((rc = store_cert(s, c, &r)) == -1)
		return -1;
	if (rc == 0) {
		d->certwhy = c->pem == CERTRES_OK || c->pem == CERTRES_NONE ?
		    WHY_UNMAPPED_CERT : WHY_BAD_CERT;
		return 0;
	}
	if (!r.byfp)
		snprintf(d->cert, sizeof(d->cert), "subject");
	if (r.disabled || r.expired) {
		d->certwhy = r.disabled ? WHY_DISABLED_USER : WHY_EXPIRED_USER;
		return 0;
	}
	snprintf(d->user, sizeof(d->user), "%s", r.user);
	snprintf(d->claimed, sizeof(d->claimed), "%s", r.user);
	return 1;
}

/*
 * Check the request's credentials: Authorization, or
 * Proxy-Authorization with the proxy_auth setting on; Basic (RFC
 * 7617), or Bearer (RFC 6750 §2.1) with one of our tokens.  A Basic
 * password of the token form is checked as a token (token_verify()):
 * no password of that form is ever compared with users.hash.  Only
 * while the policy holds a token (set->tokens): until then Bearer is
 * another scheme (no credentials, not counted) and every password a
 * password, as before tokens, so that a deployment without tokens
 * answers, logs and counts exactly as it did.
 * Lockout (lockout.c) comes first: a client locked for this user name,
 * or its network, gets WHY_LOCKED and costs no verification; the user
 * name of a Bearer token is its owner's when the id is known, else
 * there is none (the network alone is counted).  Then every failure
 * of sent credentials is counted, and a success forgets the pair's
 * failures.  A failed Bearer sets d->bad_token (the challenge says
 * error="invalid_token").  Returns 1 (d->user set), 0 (d->why says
 * why not), or -1 on a store, library or lockout state error
 * (WHY_LOCKOUT_STATE).
 */
static int
authenticate(struct store *s, const struct request *req,
    const struct settings *set, struct decision *d)
{
	struct cred	 c;
	struct token_row t;
	int		 proxy = set->proxy_auth;
	const char	*hdr = proxy ? req->pauthz : req->authz;
	const char	*user = NULL;
	size_t		 hdrsz = proxy ? req->pauthzsz : req->authzsz;
	int		 known, tok = 0, found = 0, ret = 0;

	if (!proxy && req->ruser[0] != '\0')
		return trusted(s, req, d);
	if ((ret = cert_auth(s, req, d)) != 0)
		return ret;
	memset(&c, 0, sizeof(c));
	memset(&t, 0, sizeof(t));
	if (proxy ? req->pauthz_toolong : req->authz_toolong)
		d->why = WHY_BAD_HEADER;
	else switch (cred_parse_basic(&c, hdr, hdrsz)) {
	case CRED_OK:
		user = c.user;
		if (c.usersz < sizeof(d->claimed))
			memcpy(d->claimed, c.user, c.usersz + 1);
		tok = set->tokens && token_id(c.pass, c.passsz, NULL) == 0;
		break;
	case CRED_NONE:
		switch (set->tokens ? cred_parse_bearer(&c, hdr, hdrsz) :
		    CRED_NONE) {
		case CRED_OK:
			tok = 1;
			d->bad_token = 1;	/* until it verifies */
			break;
		case CRED_NONE:
			d->why = WHY_NO_CREDENTIALS;
			goto out;
		default:
			d->why = WHY_BAD_HEADER;
			d->bad_token = 1;
			break;
		}
		break;
	default:
		d->why = WHY_BAD_HEADER;
		break;
	}
	if (tok) {
		if ((found = token_lookup(s, &c, &t, d)) == -1) {
			ret = -1;
			goto out;
		}
		if (c.bearer && found) {
			user = t.user;
			memcpy(d->claimed, t.user, sizeof(d->claimed));
		}
	}

	switch (lockout_check(set, req->addr, user, &d->retry_after, &known)) {
	case LOCK_LOCKED:
		d->why = WHY_LOCKED;
		goto out;
	case LOCK_ERROR:
		ret = lockout_err(d);
		goto out;
	default:
		break;
	}
	if (tok) {
		if ((ret = token_verify(&c, found, &t, d)) == 1)
			d->bad_token = 0;
	} else if (user != NULL && (ret = verify(s, set, &c, d)) == -1)
		goto out;
	if (ret == 1 && known && lockout_success(set, req->addr, user) == -1)
		ret = lockout_err(d);
	else if (ret == 0 && counts(d->why) &&
	    lockout_failure(set, req->addr, user) == -1)
		ret = lockout_err(d);
out:
	cred_wipe(&c);
	explicit_bzero(&t, sizeof(t));
	return ret;
}

/*
 * authenticate() the first time a decision needs credentials; later
 * the same outcome, without verifying the password again.  Returns
 * what authenticate() returned.
 */
static int
auth_once(struct store *s, const struct request *req,
    const struct settings *set, struct auth *a, struct decision *d)
{
	if (a->done) {
		d->why = a->why;
		d->cache = a->cache;
		d->retry_after = a->retry_after;
		memcpy(d->user, a->user, sizeof(d->user));
		memcpy(d->claimed, a->claimed, sizeof(d->claimed));
		memcpy(d->token, a->token, sizeof(d->token));
		d->bad_token = a->bad_token;
		memcpy(d->cert, a->cert, sizeof(d->cert));
		d->certwhy = a->certwhy;
		d->token_limited = a->token_limited;
		return a->rc;
	}
	if ((a->rc = authenticate(s, req, set, d)) == -1)
		return -1;
	a->why = d->why;
	a->cache = d->cache;
	a->retry_after = d->retry_after;
	memcpy(a->user, d->user, sizeof(a->user));
	memcpy(a->claimed, d->claimed, sizeof(a->claimed));
	memcpy(a->token, d->token, sizeof(a->token));
	a->bad_token = d->bad_token;
	memcpy(a->cert, d->cert, sizeof(a->cert));
	a->certwhy = d->certwhy;
	a->token_limited = d->token_limited;
	a->done = 1;
	return a->rc;
}

/*
 * With the resource chosen and its grants collected: decide.
 * Returns 0, or -1 on a store error.
 */
static int
decide_grants(struct store *s, const struct snapshot *sn,
    const struct request *req, const struct settings *set, struct auth *a,
    const struct grants *g, struct decision *d)
{
	size_t	 i;
	int	 rc;

	if (!g->supported) {
		d->verdict = VERDICT_METHOD;
		d->why = WHY_NO_METHOD;
		snprintf(d->allow, sizeof(d->allow), "%s", g->allow);
		return 0;
	}
	if (g->all_rule != 0) {
		d->verdict = VERDICT_ALLOW;
		d->why = WHY_GRANT_ALL;
		d->rule = g->all_rule;
		d->anonymous = 1;
		return 0;
	}
	/* Step 3b: net:NAME, the client in network NAME; no credentials. */
	for (i = 0; i < g->nnets; i++) {
		if (!in_network(sn, a, g->nets[i], d)) {
			if (d->network[0] == '\0')
				snprintf(d->network, sizeof(d->network), "%s",
				    g->nets[i]);
			continue;
		}
		d->verdict = VERDICT_ALLOW;
		d->why = WHY_GRANT_NETWORK;
		d->rule = g->net_rule[i];
		d->anonymous = 1;
		d->noaddr = 0;
		snprintf(d->network, sizeof(d->network), "%s", g->nets[i]);
		return 0;
	}
	if ((rc = auth_once(s, req, set, a, d)) == -1)
		return -1;
	if (rc == 0) {
		if (d->why == WHY_LOCKED)
			d->verdict = VERDICT_LOCKED;
		else
			d->verdict = set->proxy_auth ? VERDICT_PROXYAUTH :
			    VERDICT_NOAUTH;
		return 0;
	}
	if (g->valid_rule != 0) {
		d->verdict = VERDICT_ALLOW;
		d->why = WHY_GRANT_VALID_USER;
		d->rule = g->valid_rule;
		d->network[0] = '\0';
		d->noaddr = 0;
		return 0;
	}
	/*
	 * The roles held, directly or through a role that includes them
	 * (held.c: one query, then the snapshot's hierarchy), read once
	 * per decision, when a role grant is first asked; a token acts
	 * with its owner's, or some of them.
	 */
	for (i = 0; i < g->nroles; i++) {
		/* Restricted to a network: both must hold (sql/0009). */
		if (g->role_net[i] != NULL &&
		    !in_network(sn, a, g->role_net[i], d)) {
			if (d->network[0] == '\0')
				snprintf(d->network, sizeof(d->network), "%s",
				    g->role_net[i]);
			continue;
		}
		if (strcmp(g->roles[i], "valid-user") == 0) {
			d->verdict = VERDICT_ALLOW;
			d->why = WHY_GRANT_VALID_USER;
			d->rule = g->role_rule[i];
			d->noaddr = 0;
			snprintf(d->network, sizeof(d->network), "%s",
			    g->role_net[i]);
			return 0;
		}
		if (!a->held_done) {
			if (held_roles(s, d->user, d->token, d->token_limited,
			    a->held, sizeof(a->held)) == -1)
				return -1;
			a->held_done = 1;
		}
		if (roles_list_has(a->held, g->roles[i])) {
			d->verdict = VERDICT_ALLOW;
			d->why = WHY_GRANT_ROLE;
			d->rule = g->role_rule[i];
			d->noaddr = 0;
			snprintf(d->network, sizeof(d->network), "%s",
			    g->role_net[i] != NULL ? g->role_net[i] : "");
			return 0;
		}
	}
	d->verdict = VERDICT_FORBIDDEN;
	d->why = WHY_NO_GRANT;
	return 0;
}

/*
 * Steps 1-5 for the canonical path (the request's, or its index.html
 * in step 6), into d, which holds the realm and mode already: the
 * resource and its rules come from the snapshot sn, the users from
 * the store.  Returns 0, or -1 on a store error.
 */
static int
decide_at(struct store *s, const struct snapshot *sn,
    const struct request *req, const char *path,
    const struct settings *set, struct auth *a, struct decision *d)
{
	const struct snap_res	*r;
	const struct snap_rule	*ru;
	struct grants		 g;
	size_t			 i;
	int			 responder = req->mode == MODE_RESPONDER;

	if ((r = snap_resource(sn, req->host, path)) == NULL) {
		d->verdict = VERDICT_FORBIDDEN;
		d->why = WHY_NO_RESOURCE;
		return 0;
	}
	if (strlen(r->pattern) >= sizeof(d->pattern) ||
	    strlen(r->host) >= sizeof(d->rhost)) {
		d->why = WHY_LIMIT;
		snprintf(d->detail, sizeof(d->detail), "resource too long");
		return 0;
	}
	snprintf(d->pattern, sizeof(d->pattern), "%s", r->pattern);
	snprintf(d->rhost, sizeof(d->rhost), "%s", r->host);

	policy_grants_init(&g);
	for (i = 0, ru = snap_rules(sn, r); i < r->nrules; i++, ru++) {
		if (ru->grant->methods == NULL || ru->grant->principal == NULL)
			g.overflow = 1;		/* cannot happen: NOT NULL */
		else
			policy_grants_add_net(&g, req->method, responder,
			    ru->id, ru->grant->methods, ru->grant->principal,
			    ru->network);
	}
	policy_grants_finish(&g, req->method, responder);
	if (g.overflow) {
		d->why = WHY_LIMIT;
		snprintf(d->detail, sizeof(d->detail), "too many methods or "
		    "roles on one resource");
		return 0;
	}
	return decide_grants(s, sn, req, set, a, &g, d);
}

/*
 * Steps 1-6 in the snapshot store_begin() opened, into d (which holds
 * the mode), then the user's roles for the deciding modes, which hand
 * them to the server.  Returns 0, or -1 on a store error.
 */
static int
decide_snap(struct store *s, const struct request *req, struct decision *d)
{
	const struct snapshot	*sn = store_snapshot(s);
	const struct settings	*set = snap_settings(sn);
	struct decision		 idx;
	struct auth		 a;
	char			 ipath[REQ_PATH_MAX + sizeof(FILE_INDEX)];
	size_t			 len = strlen(req->path);

	memcpy(d->realm, set->realm, sizeof(d->realm));
	d->bearer = set->tokens;
	memset(&a, 0, sizeof(a));
	a.client_ok = addr_parse(&a.client, req->addr, strlen(req->addr)) == 0;
	idx = *d;
	if (decide_at(s, sn, req, req->path, set, &a, d) == -1)
		return -1;
	/* Step 6: a directory is its index too; the stricter answer. */
	if (d->verdict == VERDICT_ALLOW && len > 0 &&
	    req->path[len - 1] == '/') {
		(void)snprintf(ipath, sizeof(ipath), "%s%s", req->path,
		    FILE_INDEX);
		if (decide_at(s, sn, req, ipath, set, &a, &idx) == -1)
			return -1;
		if (idx.verdict != VERDICT_ALLOW ||
		    (d->anonymous && !idx.anonymous))
			*d = idx;
	}
	if (d->verdict != VERDICT_ALLOW || d->user[0] == '\0' ||
	    req->mode == MODE_RESPONDER)
		return 0;
	/* The roles held, the included ones too: what a role grant saw. */
	if (a.held_done) {
		memcpy(d->roles, a.held, sizeof(d->roles));
		return 0;
	}
	return held_roles(s, d->user, d->token, d->token_limited, d->roles,
	    sizeof(d->roles));
}

/* An empty decision for a request in mode m, with the default realm. */
static void
decision_init(struct decision *d, enum mode m)
{

	memset(d, 0, sizeof(*d));
	d->mode = m;
	snprintf(d->realm, sizeof(d->realm), "%s", REALM_DEFAULT);
}

/*
 * Decide one parsed request (req_parse() returned REQ_OK) in the mode
 * the request was made in.  s may be NULL (the database could not be
 * opened): the answer is then 500.  A store error on the way is a 500
 * (503 when locked) that names no user.  Fills *d; never fails to
 * fill it.
 */
/*
 * Start the read transaction of a decision on s (d already
 * initialised): 0, or -1 with d the 500/503 it comes to (no database,
 * or store_begin() failed).
 */
static int
decide_begin(struct store *s, struct decision *d)
{
	enum storeres	 res;

	d->verdict = VERDICT_ERROR;
	d->why = WHY_STORE;
	if (s == NULL) {
		snprintf(d->detail, sizeof(d->detail), "no database");
		return -1;
	}
	if ((res = store_begin(s)) != STORE_OK) {
		fail(d, s, res);
		return -1;
	}
	return 0;
}

void
decide(struct store *s, const struct request *req, struct decision *d)
{
	decision_init(d, req->mode);
	if (decide_begin(s, d) == -1)
		return;
	if (decide_snap(s, req, d) == -1) {
		if (d->why == WHY_LOCKOUT_STATE)
			d->verdict = VERDICT_BUSY;	/* 503, detail kept */
		else
			fail(d, s, store_busy(s) ? STORE_BUSY : STORE_ERROR);
		d->anonymous = 0;
		d->user[0] = d->roles[0] = '\0';
		d->bearer = d->bad_token = 0;
	}
	store_end(s);
}

/*
 * Decide req as if its target were path (canonical): what file.c
 * asks before it serves a name the request did not give (a
 * directory's index.html).  A path too long for a request is a 500.
 * Fills *d; never fails to fill it.
 */
void
decide_path(struct store *s, const struct request *req, const char *path,
    struct decision *d)
{
	struct request	 r;
	size_t		 n = strlen(path);

	if (n >= sizeof(r.path)) {
		decision_init(d, req->mode);
		d->verdict = VERDICT_ERROR;
		d->why = WHY_LIMIT;
		snprintf(d->detail, sizeof(d->detail), "path too long");
		return;
	}
	r = *req;
	memcpy(r.path, path, n + 1);
	decide(s, &r, d);
	req_wipe(&r);
}

/*
 * The health and metrics modes answer GET and HEAD only: whether
 * req asks another method (then d is that 405, Allow: GET, HEAD).
 */
static int
self_method(const struct request *req, struct decision *d)
{
	if (strcmp(req->method, "GET") == 0 ||
	    strcmp(req->method, "HEAD") == 0)
		return 0;
	d->verdict = VERDICT_METHOD;
	d->why = WHY_NO_METHOD;
	snprintf(d->allow, sizeof(d->allow), "GET, HEAD");
	return 1;
}

/*
 * MODE_HEALTH: no decision about the request, only whether one could
 * be made now: the policy opens (s not NULL), its schema is this
 * build's and its snapshot builds (store_begin()), and, when its
 * settings turn lockout on, the state database opens and reads.
 * Allowed (WHY_HEALTH), else the 500 or 503 a decision would get.
 * Nothing the client sent but the method is read: the mode comes
 * from the server's configuration.
 */
void
decide_health(struct store *s, const struct request *req,
    struct decision *d)
{
	decision_init(d, req->mode);
	if (self_method(req, d) || decide_begin(s, d) == -1)
		return;
	if (lockout_health(snap_settings(store_snapshot(s))) == -1) {
		d->verdict = VERDICT_BUSY;
		d->why = WHY_LOCKOUT_STATE;
		snprintf(d->detail, sizeof(d->detail), "%s",
		    lockout_errmsg());
	} else {
		d->verdict = VERDICT_ALLOW;
		d->why = WHY_HEALTH;
	}
	store_end(s);
}

/*
 * MODE_METRICS: allowed (WHY_METRICS) where this process keeps the
 * counters (a FastCGI process: metrics_init()), else 404
 * (WHY_NO_METRICS: one CGI request has nothing to sum).  The policy
 * is not opened: a scrape says what happened even when it cannot.
 */
void
decide_metrics(const struct request *req, struct decision *d)
{
	decision_init(d, req->mode);
	if (self_method(req, d))
		return;
	if (metrics_on()) {
		d->verdict = VERDICT_ALLOW;
		d->why = WHY_METRICS;
	} else {
		d->verdict = VERDICT_NOTFOUND;
		d->why = WHY_NO_METRICS;
		snprintf(d->detail, sizeof(d->detail), "metrics are kept by "
		    "a FastCGI process, not by one CGI request");
	}
}

/*
 * The decision when the database could not be opened: res is what
 * store_open_ro() said, detail its message.  500, or 503 when locked.
 */
void
decide_nostore(const struct request *req, enum storeres res,
    const char *detail, struct decision *d)
{

	decision_init(d, req->mode);
	fail(d, NULL, res == STORE_OK ? STORE_ERROR : res);
	snprintf(d->detail, sizeof(d->detail), "%s",
	    detail == NULL ? "" : detail);
}

/*
 * What decide_badreq() answers for each enum reqbad: 400 with this
 * why, but 500 for WHY_BAD_MODE, the server's configuration error.
 * REQBAD_NONE, a request req_parse() did not refuse, is refused all
 * the same: a badreq decision is never an allow.
 */
static const enum why reqbad_why[REQBAD__MAX] = {
	[REQBAD_NONE] = WHY_BAD_TARGET,
	[REQBAD_MODE] = WHY_BAD_MODE,
	[REQBAD_FORWARDED] = WHY_NO_FORWARDED,
	[REQBAD_METHOD] = WHY_BAD_METHOD,
	[REQBAD_TARGET] = WHY_BAD_TARGET,
	[REQBAD_HOST] = WHY_BAD_HOST,
};

/*
 * The decision for a request req_parse() refused: 400 (500 for an
 * unknown PORTCULLIS_MODE) with why it was refused, and its name
 * (req_bad_str()) as the detail for the log.
 */
void
decide_badreq(const struct request *req, struct decision *d)
{
	const char	*bad = req_bad_str(req);

	decision_init(d, req->mode);
	d->why = (size_t)req->bad < REQBAD__MAX ? reqbad_why[req->bad] :
	    WHY_BAD_TARGET;
	d->verdict = d->why == WHY_BAD_MODE ? VERDICT_ERROR : VERDICT_BADREQ;
	snprintf(d->detail, sizeof(d->detail), "%s", bad == NULL ? "" : bad);
}

/*
 * One request from its CGI variables to its decision, for main.c's
 * serve() and `portcullis check`: req_parse() into *req (get/arg read
 * the variables), the store *sp made ready on db, decide().  *sp is
 * the caller's, kept from one request to the next: opened when NULL,
 * reopened when the file at db was replaced (`portcullis replace`),
 * closed and set NULL after a WHY_SCHEMA (migrated: the next request
 * reopens it).  Fills *d whatever happens, failing closed: a refused
 * request is 400 (decide_badreq()), a database that cannot be opened
 * 500 or 503 (decide_nostore()), and a verdict or reason out of range
 * 500.  Returns STORE_OK, or what store_open_ro() said when it could
 * not open db (d->detail has its message).  The caller calls
 * req_wipe(req), and store_close(*sp) when done with it.
 */
enum storeres
decide_request(struct request *req, req_getter get, void *arg,
    const char *db, struct store **sp, struct decision *d)
{
	enum storeres	 res = STORE_OK;
	char		 err[sizeof(d->detail)];

	if (req_parse(req, get, arg) != REQ_OK)
		decide_badreq(req, d);
	else if (req->mode == MODE_METRICS)
		decide_metrics(req, d);
	else {
		if (*sp != NULL && store_stale(*sp, db)) {
			store_close(*sp);
			*sp = NULL;
		}
		if (*sp == NULL &&
		    (*sp = store_open_ro(db, &res, err, sizeof(err))) == NULL)
			decide_nostore(req, res, err, d);
		else if (req->mode == MODE_HEALTH)
			decide_health(*sp, req, d);
		else
			decide(*sp, req, d);
		if (d->why == WHY_SCHEMA && *sp != NULL) {
			store_close(*sp);
			*sp = NULL;
		}
	}
	if ((size_t)d->verdict >= VERDICT__MAX || (size_t)d->why >= WHY__MAX) {
		d->verdict = VERDICT_ERROR;
		d->why = WHY_NONE;
	}
	return res;
}
