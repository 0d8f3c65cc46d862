/*
 * Portcullis: shared structures, limits and prototypes.
 * One section per source file; a file includes only what it uses.
 */
#ifndef EXTERN_H
#define EXTERN_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

#ifndef nitems
#define nitems(a)	(sizeof(a) / sizeof((a)[0]))
#endif

/*
 * Limits on client input.  Input longer than a limit is rejected
 * (400 or 401), never truncated.
 */
#define REQ_TARGET_MAX	8192	/* raw REQUEST_URI bytes */
#define REQ_PATH_MAX	4096	/* canonical path bytes */
#define REQ_METHOD_MAX	32	/* method token bytes */
#define REQ_HOST_MAX	255	/* canonical host bytes */
#define REQ_ADDR_MAX	63	/* REMOTE_ADDR bytes kept for logs */
#define CRED_B64_MAX	1364	/* base64 chars: at most 1023 decoded bytes */
#define CRED_BUF_MAX	1024	/* decoded user-pass buffer */
#define NAME_MAX_LEN	255	/* user and role names (schema agrees) */
#define PW_HASH_MAX	512	/* stored hash string */
#define REALM_MAX	255	/* settings.realm (schema agrees) */
#define REALM_DEFAULT	"Portcullis"	/* ... when unset or unusable */
#define PATTERN_MAX	REQ_PATH_MAX	/* resources.pattern */
#define ALLOW_MAX	1024	/* Allow header value */
#define POLICY_ROLES_MAX 64
/* token.c: "pct_" + id + "_" + secret; sql/0007-tokens.sql */
#define TOKEN_IDLEN	16	/* hex digits of the public id */
#define TOKEN_SECRETLEN	64	/* hex digits of the 256-bit secret */
#define TOKEN_LEN	(4 + TOKEN_IDLEN + 1 + TOKEN_SECRETLEN)
#define TOKEN_HASHLEN	64	/* hex SHA-256 of the whole token */
#define ROLES_MAX	4096	/* a user's roles, ","-joined */	/* distinct roles granted one method on one resource */

/*
 * The schema version this build reads and writes: the number of the
 * highest sql/NNNN-*.sql migration.
 */
#define SCHEMA_VERSION	10

/* migrations.c: generated from sql/ by build-aux/sql2c.sh */
extern const char *const migrations[];
extern const size_t nmigrations;

/* compat.c */
#ifndef HAVE_EXPLICIT_BZERO
void	 explicit_bzero(void *, size_t);
#endif
#ifndef HAVE_TIMINGSAFE_BCMP
int	 timingsafe_bcmp(const void *, const void *, size_t);
#endif

/* lex.c: byte-level checks shared by the parsers */
int	 utf8_valid(const char *, size_t);
int	 http_token(const char *, size_t);
int	 has_ctl(const char *, size_t);
int	 name_valid(const char *, size_t);

/* path.c */
enum pathres {
	PATH_OK,
	PATH_EMPTY,		/* no target at all */
	PATH_TOOLONG,		/* over REQ_TARGET_MAX or REQ_PATH_MAX */
	PATH_FORM,		/* not origin-form or absolute-form */
	PATH_ESCAPE,		/* malformed %-escape */
	PATH_SLASH,		/* encoded '/' or '\', or a raw '\' */
	PATH_CTRL,		/* NUL or another control byte */
	PATH_UTF8,		/* invalid or overlong UTF-8 */
	PATH_CLIMB,		/* ".." above "/" */
	PATH_PERCENT,		/* "%25": an escape after decoding */
	PATH__MAX
};
extern const char *const pathres_str[PATH__MAX];
enum pathres	 path_canon(char *, size_t, const char *, size_t);
int		 host_canon(char *, size_t, const char *, size_t);
int		 path_authority(const char *, size_t, const char **, size_t *);

/* request.c */
/*
 * How the web server asks (README, "Deploying behind..."); request.c
 * tells which from the request itself.
 */
enum mode {
	MODE_RESPONDER,		/* decide, then serve the file */
	MODE_AUTHORIZER,	/* FastCGI AUTHORIZER role: lighttpd, Apache */
	MODE_AUTH_REQUEST,	/* nginx auth_request (PORTCULLIS_MODE) */
	MODE_FORWARD_AUTH,	/* Caddy forward_auth, Traefik via a bridge */
	MODE_HEALTH,		/* no decision: is the policy readable? */
	MODE_METRICS,		/* no decision: the counters (metrics.c) */
	MODE__MAX
};
/* Mode names, for PORTCULLIS_MODE and `portcullis check --mode`. */
extern const char *const mode_str[MODE__MAX];
int		 mode_parse(const char *, enum mode *);

/*
 * Why req_parse() refused a request (REQ_BAD); reqbad_str[] names
 * them.  decide_badreq() answers 400, or 500 for REQBAD_MODE.
 */
enum reqbad {
	REQBAD_NONE,		/* not refused */
	REQBAD_MODE,		/* unknown PORTCULLIS_MODE: the server's
				   configuration */
	REQBAD_FORWARDED,	/* forward_auth without PORTCULLIS_METHOD
				   or PORTCULLIS_URI */
	REQBAD_METHOD,		/* not a token of at most REQ_METHOD_MAX */
	REQBAD_TARGET,		/* request->pathres says why */
	REQBAD_HOST,		/* a malformed host (req_host()) */
	REQBAD__MAX
};
extern const char *const reqbad_str[REQBAD__MAX];

/*
 * cert.c: the client certificate the server verified (README, "Client
 * certificates"; sql/0008-certificates.sql), from its own parameters.
 */
#define CERT_PEM_MAX	65536	/* SSL_CLIENT_CERT bytes, escaped or not */
#define CERT_DER_MAX	16384	/* its DER bytes */
#define CERT_DN_MAX	1024	/* SSL_CLIENT_S_DN, _I_DN (the schema agrees) */
#define CERT_FPLEN	64	/* hex SHA-256 of the DER (the schema agrees) */
#define CERT_LOGLEN	16	/* hex digits of it in logs and `check` */
enum certres {
	CERTRES_OK,
	CERTRES_NONE,		/* no SSL_CLIENT_CERT, or only whitespace */
	CERTRES_TOOLONG,	/* over CERT_PEM_MAX or CERT_DER_MAX */
	CERTRES_ESCAPE,		/* a malformed %-escape */
	CERTRES_PEM,		/* not one CERTIFICATE block */
	CERTRES_BASE64,		/* bad base64 in it */
	CERTRES_DER,		/* not one whole DER SEQUENCE */
	CERTRES__MAX
};
extern const char *const certres_str[CERTRES__MAX];
enum certst {
	CERTST_NONE,		/* no certificate (or SSL_CLIENT_VERIFY NONE) */
	CERTST_UNVERIFIED,	/* one the server did not verify: ignored */
	CERTST_VERIFIED,	/* SSL_CLIENT_VERIFY SUCCESS, HTTPS on */
};
struct reqcert {
	enum certst	 state;
	enum certres	 pem;			/* SSL_CLIENT_CERT's parse */
	char		 fp[CERT_FPLEN + 1];	/* its fingerprint, or "" */
	char		 subject[CERT_DN_MAX + 1];	/* SSL_CLIENT_S_DN or "" */
	char		 issuer[CERT_DN_MAX + 1];	/* SSL_CLIENT_I_DN or "" */
};
enum certres	 cert_der(unsigned char *, size_t, const char *, size_t,
		    size_t *);
enum certres	 cert_fingerprint(char *, const char *, size_t);

/*
 * Everything a decision reads from the request, copied out of the
 * CGI environment or the FastCGI parameters (which libfcgi frees at
 * the next accept).  Fixed buffers; no allocation per request.
 */
struct request {
	char		 method[REQ_METHOD_MAX + 1];
	char		 path[REQ_PATH_MAX + 1];	/* canonical */
	char		 host[REQ_HOST_MAX + 1];	/* canonical, "" if none */
	char		 addr[REQ_ADDR_MAX + 1];	/* REMOTE_ADDR for logs */
	enum mode	 mode;
	char		 authz[CRED_B64_MAX + 64];	/* Authorization, or "" */
	size_t		 authzsz;
	int		 authz_toolong;			/* header over the cap,
							   or a REMOTE_USER
							   name_valid() refuses */
	char		 pauthz[CRED_B64_MAX + 64];	/* Proxy-Authorization */
	size_t		 pauthzsz;
	int		 pauthz_toolong;
	char		 ruser[NAME_MAX_LEN + 1];	/* authenticated by
							   Apache, or "" */
	const char	*inm;				/* If-None-Match, borrowed */
	const char	*ims;				/* If-Modified-Since, borrowed */
	const char	*query;				/* "?..." of the target,
							   raw, borrowed, or NULL */
	const char	*target;			/* the target as received,
							   borrowed, or NULL: for
							   the log of a 400 */
	enum pathres	 pathres;			/* why path is unusable */
	enum reqbad	 bad;				/* why it was refused */
	struct reqcert	 cert;				/* client certificate */
};

enum reqres {
	REQ_OK,
	REQ_BAD,		/* 400: request->bad says why */
};
typedef const char *(*req_getter)(void *, const char *);
void		 cert_read(struct reqcert *, req_getter, void *);
enum reqres	 req_parse(struct request *, req_getter, void *);
const char	*req_bad_str(const struct request *);
void		 req_wipe(struct request *);

/* creds.c */
/*
 * Decoded "Basic" credentials (RFC 7617).  user and pass point into
 * buf and are NUL-terminated; cred_wipe() clears the buffer.
 */
struct cred {
	char		 buf[CRED_BUF_MAX];
	const char	*user;
	size_t		 usersz;
	const char	*pass;
	size_t		 passsz;
	int		 bearer;	/* Bearer: the token in pass, no user */
};
enum credres {
	CRED_NONE,		/* no Authorization, or another scheme */
	CRED_BAD,		/* Basic, but malformed */
	CRED_OK,
};
int		 b64_decode(char *, size_t, const char *, size_t, size_t *);
size_t		 b64_encode(char *, size_t, const void *, size_t);
enum credres	 cred_parse_basic(struct cred *, const char *, size_t);
enum credres	 cred_parse_bearer(struct cred *, const char *, size_t);
void		 cred_wipe(struct cred *);

/* passwd.c */
enum pwres {
	PW_MATCH,
	PW_MISMATCH,		/* wrong password, or an empty one */
	PW_UNSUPPORTED,		/* $apr1$, {SHA}, plaintext, unknown */
	PW_TOOCOSTLY,		/* a cost over the caps below */
	PW_ERROR,		/* the library failed */
	PW__MAX
};
/*
 * Caps on the cost stored in a hash, so that no request costs more
 * than about one of these.  pw_cost() reads them from the string
 * before anything is hashed; pw_verify() answers PW_TOOCOSTLY above
 * them, pw_hash_scheme() never makes such a hash, the import and the
 * schema (sql/0004-hardening.sql, section 2: keep it equal) refuse
 * them and `portcullis lint` reports them.  Measured for one
 * verification on a 2-CPU Debian 12 VM, at the cap -> just above it:
 *   bcrypt $2b$12$                      0.22 s -> 0.44 s ($2b$14$ 0.93 s)
 *   sha-crypt rounds=100000             0.04 s, 0.25-0.41 s for a
 *       511-byte password (the time grows with its length) -> rounds
 *       =1000000 0.41 s, 2.8-4.1 s; the default is 5000
 *   yescrypt 64 MiB ("jBT", -R 7)       0.24 s, 65 MB -> "jCT" 0.74 s,
 *       129 MB ("jET" 1.2 s, 528 MB); the default "j9T" is 16 MiB
 *   argon2 m=256 MiB, m*t=768 MiB·pass  1.0 s, 258 MB (t=3; libsodium's
 *       MODERATE) -> t=4 1.1 s (t=8 1.47 s)
 */
#define PW_BCRYPT_MAX_COST	12	/* log2 rounds; default 5 */
#define PW_SHACRYPT_MAX_ROUNDS	100000	/* $5$/$6$ rounds=; default 5000 */
#define PW_YESCRYPT_MAX_KIB	(64 * 1024)	/* 128*N*r*p*(t+1) bytes */
#define PW_ARGON2_MAX_KIB	(256 * 1024)	/* m= */
#define PW_ARGON2_MAX_WORK_KIB	(3 * PW_ARGON2_MAX_KIB)	/* m * t */
#define PW_ARGON2_MAX_T		64	/* t=: passes */
#define PW_ARGON2_MAX_P		16	/* p=: lanes */
extern const char *const pwres_str[PW__MAX];
int		 pw_init(void);
enum pwres	 pw_verify(const char *, size_t, const char *);
enum pwres	 pw_verify_dummy(const char *, size_t);
enum pwres	 pw_cost(const char *, char *, size_t);
unsigned long	 pw_hashes(void);
int		 pw_hash(char *, size_t, const char *, size_t);
int		 pw_supported(const char *);
/* pw_hash_scheme(): what became of a new hash. */
enum pwhres {
	PWH_OK,
	PWH_SCHEME,		/* not $y$, $2b$, $6$ or $argon2id$ */
	PWH_COST,		/* a cost the scheme refuses */
	PWH_TOOCOSTLY,		/* a cost over the caps above */
	PWH_EMPTY,		/* empty password */
	PWH_NUL,		/* NUL byte in the password */
	PWH_LONG,		/* longer than crypt(3) takes */
	PWH_ERROR,		/* the library failed */
	PWH__MAX
};
extern const char *const pwhres_str[PWH__MAX];
enum pwhres	 pw_hash_scheme(char *, size_t, const char *, size_t,
		    const char *, unsigned long);

/* policy.c */
/*
 * Decision semantics, without I/O, for the request path and for lint:
 * which resource decides a path, which patterns, methods and
 * principals cover which (policy.c's header comment gives the order).
 * The store feeds resources and rules in; the policy picks the most
 * specific resource and collects what its rules grant for one method.
 */
#define POLICY_METHODS_MAX 32	/* distinct methods named on one resource */
#define POLICY_NETS_MAX	32	/* net:NAME grants of a method on one */

int		 policy_pattern_valid(const char *);
int		 policy_match(const char *, const char *);
int		 policy_cmp(const char *, int, const char *, int);
int		 policy_methods_valid(const char *);
int		 policy_methods_has(const char *, const char *);
int		 policy_methods_covers(const char *, const char *);
int		 policy_principal_covers(const char *, const char *);
int		 policy_better(const char *, int, const char *, int,
		    const char *);
int		 policy_host_applies(const char *, const char *);
int		 policy_pattern_covers(const char *, const char *);
size_t		 policy_pattern_nseg(const char *);
int		 policy_pattern_seg(const char *, size_t, const char **,
		    size_t *);
/* What a pattern segment is, for an index of patterns (snapshot.c). */
enum polseg {
	POLSEG_LITERAL,
	POLSEG_STAR,		/* "*": one non-empty segment */
	POLSEG_GLOBSTAR,	/* "**": zero or more segments, the rest */
};
enum polseg	 policy_seg(const char *, size_t);

struct grants {
	char		 methods[POLICY_METHODS_MAX][REQ_METHOD_MAX + 1];
	size_t		 nmethods;		/* named by some rule */
	int		 any_method;		/* some rule names "*" */
	int64_t		 all_rule;		/* rule granting to all, or 0 */
	int64_t		 valid_rule;		/* ... to valid-user, or 0 */
	char		 roles[POLICY_ROLES_MAX][NAME_MAX_LEN + 1];
	int64_t		 role_rule[POLICY_ROLES_MAX];
	size_t		 nroles;		/* roles granted the method */
	/* Networks (sql/0009): names borrowed from the rules added. */
	const char	*role_net[POLICY_ROLES_MAX];	/* roles[i] only in
							   this network, or
							   NULL; roles[i] may
							   be "valid-user" */
	const char	*nets[POLICY_NETS_MAX];	/* net:NAME grants: NAME */
	int64_t		 net_rule[POLICY_NETS_MAX];
	size_t		 nnets;
	int		 overflow;		/* a bound was hit: fail closed */
	int		 supported;		/* set by policy_grants_finish() */
	char		 allow[ALLOW_MAX];	/* ditto: the Allow value */
};
void		 policy_grants_init(struct grants *);
void		 policy_grants_add(struct grants *, const char *, int,
		    int64_t, const char *, const char *);
void		 policy_grants_add_net(struct grants *, const char *, int,
		    int64_t, const char *, const char *, const char *);
int		 policy_grant_covers(const char *, const char *, const char *,
		    const char *);
void		 policy_grants_finish(struct grants *, const char *, int);
int		 policy_grants_names(const struct grants *, char *, size_t);

/* verdict: what the decision comes to. */
enum verdict {
	VERDICT_ALLOW,		/* 200 (or the file, in responder mode) */
	VERDICT_BADREQ,		/* 400 */
	VERDICT_NOAUTH,		/* 401 + WWW-Authenticate */
	VERDICT_PROXYAUTH,	/* 407 + Proxy-Authenticate */
	VERDICT_FORBIDDEN,	/* 403 */
	VERDICT_NOTFOUND,	/* 404: allowed, but no such file */
	VERDICT_METHOD,		/* 405 + Allow */
	VERDICT_LOCKED,		/* 429 + Retry-After: lockout */
	VERDICT_ERROR,		/* 500 */
	VERDICT_BUSY,		/* 503 + Retry-After */
	VERDICT__MAX
};
extern const int verdict_status[VERDICT__MAX];
extern const char *const verdict_reason[VERDICT__MAX];

/* why, for the log line and for `portcullis check`. */
enum why {
	WHY_NONE,
	WHY_BAD_TARGET,
	WHY_BAD_METHOD,
	WHY_BAD_HOST,
	WHY_BAD_MODE,
	WHY_NO_FORWARDED,
	WHY_NO_RESOURCE,
	WHY_NO_METHOD,
	WHY_GRANT_ALL,
	WHY_GRANT_VALID_USER,
	WHY_GRANT_ROLE,
	WHY_NO_CREDENTIALS,
	WHY_BAD_HEADER,
	WHY_UNKNOWN_USER,
	WHY_BAD_PASSWORD,
	WHY_DISABLED_USER,
	WHY_EXPIRED_USER,
	WHY_UNSUPPORTED_HASH,
	WHY_COSTLY_HASH,
	WHY_NO_GRANT,
	WHY_NO_FILE,
	WHY_SYMLINK,		/* file.c: a symbolic link below the root */
	WHY_DOTFILE,		/* file.c: a segment starting with '.' */
	WHY_STORE,
	WHY_BUSY,
	WHY_SCHEMA,
	WHY_LIMIT,
	WHY_LOCKED,		/* lockout.c: this client may not try now */
	WHY_LOCKOUT_STATE,	/* lockout.c: the state database failed */
	WHY_HEALTH,		/* MODE_HEALTH: the policy reads */
	WHY_METRICS,		/* MODE_METRICS: the counters follow */
	WHY_NO_METRICS,		/* MODE_METRICS in a process without them */
	WHY_UNKNOWN_TOKEN,	/* no token of that id, or not a token */
	WHY_BAD_TOKEN,		/* a token id with the wrong secret */
	WHY_DISABLED_TOKEN,
	WHY_EXPIRED_TOKEN,
	WHY_TOKEN_USER,		/* Basic: the user is not the owner */
	WHY_UNMAPPED_CERT,	/* a verified certificate, no row for it */
	WHY_UNVERIFIED_CERT,	/* one the server did not verify */
	WHY_BAD_CERT,		/* SSL_CLIENT_CERT unreadable, no DN row */
	WHY_GRANT_NETWORK,	/* net:NAME: the client is in NAME */
	WHY__MAX
};
extern const char *const why_str[WHY__MAX];

/*
 * credcache.c: whether the password of a decision was verified
 * (CC_MISS) or found in the credential cache (CC_HIT); CC_NONE when
 * no password was checked.  ccres_str[] is the log's cache=.
 */
enum ccres {
	CC_NONE,
	CC_MISS,
	CC_HIT,
	CC__MAX
};
extern const char *const ccres_str[CC__MAX];

/*
 * The outcome of one decision, with what the response and the log
 * need.  Filled by decide().
 */
struct decision {
	enum verdict	 verdict;
	enum why	 why;
	char		 realm[REALM_MAX + 1];
	char		 allow[ALLOW_MAX];
	char		 user[NAME_MAX_LEN + 1];	/* authenticated, or "" */
	char		 claimed[NAME_MAX_LEN + 1];	/* user in the header */
	char		 pattern[PATTERN_MAX + 1];	/* deciding resource */
	char		 rhost[REQ_HOST_MAX + 1];	/* its host, "" = any */
	int64_t		 rule;				/* deciding rule, or 0 */
	int		 anonymous;			/* granted to all */
	enum mode	 mode;				/* of the request */
	char		 roles[ROLES_MAX];		/* the user's, ","-joined */
	char		 detail[256];			/* log-only detail */
	enum ccres	 cache;				/* password: hit, miss */
	unsigned int	 retry_after;			/* 429, 503: seconds */
	char		 token[TOKEN_IDLEN + 1];	/* id of the token
							   sent, or "" */
	int		 bearer;			/* 401: offer Bearer */
	int		 bad_token;			/* ... with error=
							   "invalid_token" */
	char		 cert[CERT_LOGLEN + 1];		/* the certificate's
							   fingerprint prefix,
							   "subject", or "" */
	enum why	 certwhy;			/* why it was not
							   used, or WHY_NONE */
	char		 network[NAME_MAX_LEN + 1];	/* the network of the
							   deciding rule, or
							   the first one the
							   client was not in */
	int		 noaddr;			/* a network was asked
							   and the client's
							   address is unusable */
	int		 token_limited;			/* the token acts with
							   token_roles only */
};

/* store.c */
struct store;
struct snapshot;

/*
 * The settings table (portcullis(5)), with the defaults of a row that
 * is absent.  store_settings() fills it.
 */
#define CREDCACHE_SECONDS_DEFAULT	300
#define CREDCACHE_ENTRIES_DEFAULT	4096
#define CREDCACHE_SECONDS_MAX		86400	/* the schema agrees */
#define CREDCACHE_ENTRIES_MAX		1000000	/* ditto; at least 1 */
/* Lockout (state.c): per (user, network) and per network; sql/0006. */
struct lockout {
	unsigned int	 pair_attempts;		/* lockout_attempts, 0: off */
	unsigned int	 pair_window;		/* lockout_window_seconds */
	unsigned int	 pair_seconds;		/* lockout_seconds */
	unsigned int	 net_attempts;		/* lockout_network_attempts */
	unsigned int	 net_window;		/* ..._network_window_seconds */
	unsigned int	 net_seconds;		/* lockout_network_seconds */
};
struct settings {
	char		 realm[REALM_MAX + 1];	/* REALM_DEFAULT */
	int		 proxy_auth;		/* 0 (off) */
	unsigned int	 cache_seconds;		/* credential_cache_seconds */
	unsigned int	 cache_entries;		/* credential_cache_entries */
	struct lockout	 lockout;		/* 5/900/900, 50/900/900 */
	int		 tokens;		/* the policy holds a token:
						   401s offer Bearer */
};
enum storeres {
	STORE_OK,
	STORE_MISSING,		/* no such file */
	STORE_SCHEMA,		/* user_version is not SCHEMA_VERSION */
	STORE_BUSY,		/* locked past the busy timeout */
	STORE_ERROR,
};
#define STORE_BUSY_MS	250

struct store	*store_open_ro(const char *, enum storeres *, char *, size_t);
void		 store_close(struct store *);
const char	*store_errmsg(const struct store *);
int		 store_stale(const struct store *, const char *);
enum storeres	 store_begin(struct store *);
void		 store_end(struct store *);
int		 store_busy(const struct store *);
int		 store_settings(struct store *, struct settings *);
int		 store_roles(struct store *, const char *, char *, size_t);
const struct snapshot *store_snapshot(const struct store *);
int		 store_user(struct store *, const char *, size_t, char *,
		    size_t, int *, int *);
/* A token's row and its owner's state (store_token()). */
struct token_row {
	char		 user[NAME_MAX_LEN + 1];	/* the owner */
	char		 hash[TOKEN_HASHLEN + 1];
	int		 disabled;			/* the token's */
	int		 expired;
	int		 udisabled;			/* the owner's */
	int		 uexpired;
	int		 limited;			/* to token_roles */
};
int		 store_token(struct store *, const char *, struct token_row *);
/* The user a verified client certificate maps to (store_cert()). */
struct cert_row {
	char		 user[NAME_MAX_LEN + 1];
	int		 byfp;				/* by fingerprint */
	int		 disabled;			/* the user's */
	int		 expired;
};
int		 store_cert(struct store *, const struct reqcert *,
		    struct cert_row *);

/* snapshot.c */
/*
 * The compiled policy of one process: settings, resources and rules
 * as one read transaction saw them (store_begin() rebuilds it when
 * the database changed; users are not in it).  snap_resource()
 * chooses as policy_match() and policy_cmp() say, at the cost of the
 * path's depth.  Pointers stay valid until snap_free().
 */
struct snap_grant {
	const char	*methods;	/* NULL: a NULL column, refuse */
	const char	*principal;	/* ditto */
};
struct snap_rule {
	int64_t			 id;
	const struct snap_grant	*grant;		/* shared by equal rules */
	const char		*network;	/* rules.network, or NULL */
};
struct snap_res {
	const char	*pattern;
	const char	*host;		/* "" for any host */
	uint32_t	 first;		/* snap_rules() gives its rules */
	uint32_t	 nrules;
};
struct snapshot	*snap_new(void);
void		 snap_free(struct snapshot *);
void		 snap_set_settings(struct snapshot *, const struct settings *);
int		 snap_add_resource(struct snapshot *, const char *,
		    const char *);
int		 snap_add_rule(struct snapshot *, int64_t, const char *,
		    const char *);
int		 snap_finish(struct snapshot *);
const struct settings *snap_settings(const struct snapshot *);
const struct snap_res *snap_resource(const struct snapshot *, const char *,
		    const char *);
const struct snap_res *snap_resource_named(const struct snapshot *,
		    const char *, const char *);
const struct snap_rule *snap_rules(const struct snapshot *,
		    const struct snap_res *);
void		 snap_counts(const struct snapshot *, size_t *, size_t *);
/* Named networks (sql/0009-networks.sql; net.c holds them). */
int		 snap_add_network(struct snapshot *, const char *,
		    const char *);
int		 snap_rule_network(struct snapshot *, const char *);
const struct netset *snap_networks(const struct snapshot *);
/* The role hierarchy (roles.c), owned by the snapshot; NULL: none. */
struct roles;
void		 snap_set_roles(struct snapshot *, struct roles *);
const struct roles *snap_roles(const struct snapshot *);

/* decide.c */
void		 decide(struct store *, const struct request *,
		    struct decision *);
void		 decide_badreq(const struct request *, struct decision *);
void		 decide_path(struct store *, const struct request *,
		    const char *, struct decision *);
void		 decide_health(struct store *, const struct request *,
		    struct decision *);
void		 decide_metrics(const struct request *, struct decision *);
void		 decide_nostore(const struct request *, enum storeres,
		    const char *, struct decision *);
enum storeres	 decide_request(struct request *, req_getter, void *,
		    const char *, struct store **, struct decision *);

/* credcache.c */
/*
 * The credential cache of a FastCGI process: off until
 * credcache_enable(1); sized and aged by struct settings.  Lookups
 * return 1 (hit) or 0 (miss: verify); insert only after PW_MATCH.
 */
void		 credcache_enable(int);
int		 credcache_lookup(const struct settings *, const char *,
		    size_t, const char *, size_t, const char *);
void		 credcache_insert(const struct settings *, const char *,
		    size_t, const char *, size_t, const char *);
void		 credcache_wipe(void);
void		 credcache_clock(time_t (*)(void));
size_t		 credcache_count(void);

/* response.c */
/*
 * Where a response goes: stdout in CGI mode, the FastCGI out stream
 * otherwise.  write returns 0 or -1.
 */
struct writer {
	int		(*write)(void *, const void *, size_t);
	void		*arg;
};
int		 wr_puts(struct writer *, const char *);
int		 wr_printf(struct writer *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
int		 resp_denial(struct writer *, const struct decision *, int);
int		 resp_allowed(struct writer *, const struct decision *, int);
int		 resp_self(struct writer *, const struct decision *, int);

/* file.c */
/*
 * How file_serve() decides a name it would serve that the request did
 * not give (a directory's index.html): fn(arg, path, d) fills d with
 * the decision for the same request at the canonical path.
 */
struct file_check {
	void		(*fn)(void *, const char *, struct decision *);
	void		*arg;
};
#define FILE_INDEX	"index.html"	/* what a directory serves */
int		 file_serve(struct writer *, const char *, const struct request *,
		    struct decision *, int, const struct file_check *);

/* log.c */
void		 log_allowed(int);
void		 log_escape(char *, size_t, const char *);
void		 log_decision(struct writer *, const struct request *,
		    const struct decision *);
void		 log_msg(struct writer *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));

/* addr.c: client addresses, the lockout network, named networks */
#define ADDR_NET_MAX	50	/* "ffff:...:ffff/128" and more */
struct addr {
	int		 family;	/* AF_INET or AF_INET6 */
	unsigned char	 b[16];		/* network order; 4 bytes for IPv4 */
};
struct cidr {
	struct addr	 net;
	unsigned	 plen;		/* prefix length, 0-32 or 0-128 */
};
int		 addr_parse(struct addr *, const char *, size_t);
int		 addr_net(char *, size_t, const char *, size_t);
int		 cidr_parse(struct cidr *, const char *, size_t, const char **);
int		 cidr_contains(const struct cidr *, const struct addr *);
int		 cidr_overlaps(const struct cidr *, const struct cidr *);
int		 cidr_str(char *, size_t, const struct cidr *);

/*
 * net.c: the named networks of a snapshot (sql/0009-networks.sql):
 * net_contains() says whether an address is in one; a network with a
 * row that does not parse holds no address (fail closed).
 */
struct netset;
struct netset	*net_new(void);
void		 net_free(struct netset *);
int		 net_add(struct netset *, const char *, const char *);
int		 net_contains(const struct netset *, const char *,
		    const struct addr *);
int		 net_state(const struct netset *, const char *);

/* metrics.c: counters shared by the FastCGI workers, for Prometheus */
int		 metrics_init(void);
int		 metrics_on(void);
void		 metrics_decision(const struct decision *, uint64_t);
void		 metrics_lock(void);
void		 metrics_rebuild(void);
int		 metrics_write(struct writer *);

/* token.c: API tokens (their form, making one, checking one) */
int		 token_id(const char *, size_t, char *);
void		 token_hash(char *, const char *, size_t);
int		 token_new(char *, char *, char *);
int		 token_check(const char *, size_t, const char *);

/* state.c: the lockout state database (the server writes it) */
struct state_row {
	const char	*network;
	const char	*user;			/* "" for the network's */
	int64_t		 count;
	time_t		 first;
	time_t		 locked_until;
};
struct state;
int		 state_path(char *, size_t, const char *, const char *);
int		 state_init(const char *, gid_t, char *, size_t);
struct state	*state_open(const char *, int, char *, size_t);
void		 state_close(struct state *);
const char	*state_errmsg(const struct state *);
int		 state_locked(struct state *, const char *, const char *,
		    time_t, time_t *, int *);
int		 state_failure(struct state *, const struct lockout *,
		    const char *, const char *, time_t);
int		 state_success(struct state *, const char *, const char *);
int		 state_list(struct state *,
		    int (*)(void *, const struct state_row *), void *);
int		 state_clear(struct state *, const char *);

/* lockout.c: when logins are checked and counted, over state.c */
enum lockres {
	LOCK_OFF,		/* the settings turn lockout off */
	LOCK_OPEN,		/* may try */
	LOCK_LOCKED,		/* 429 + Retry-After */
	LOCK_ERROR,		/* 503: lockout_errmsg() */
};
int		 lockout_init(const char *, int);
void		 lockout_close(void);
void		 lockout_clock(time_t (*)(void));
const char	*lockout_errmsg(void);
int		 lockout_health(const struct settings *);
enum lockres	 lockout_check(const struct settings *, const char *,
		    const char *, unsigned int *, int *);
int		 lockout_failure(const struct settings *, const char *,
		    const char *);
int		 lockout_success(const struct settings *, const char *,
		    const char *);

/* dbdiag.c: a database that cannot be opened, in words of permissions */
int		 dbdiag(const char *, int, char *, size_t);

/* listen.c: -s (a socket never taken from a live process) and -p */
#define LISTEN_PATH_MAX	108	/* sizeof(sun_path) on Linux */
struct listener {
	int		 fd;		/* listening, or -1 */
	char		 path[LISTEN_PATH_MAX];	/* the Unix socket made,
						   or "" (TCP) */
	dev_t		 dev;		/* its device and inode */
	ino_t		 ino;
	pid_t		 owner;		/* the process that removes it */
};
struct pidfile {
	int		 fd;		/* open and flock(2)ed, or -1 */
	char		 path[1024];
	pid_t		 owner;		/* the process that removes it */
};
int		 lst_open(struct listener *, const char *, char *, size_t);
void		 lst_close(struct listener *);
int		 pf_open(struct pidfile *, const char *, char *, size_t);
int		 pf_write(struct pidfile *, pid_t, char *, size_t);
void		 pf_close(struct pidfile *);

/* prefork.c: the supervisor of portcullis.fcgi -n N */
#define PREFORK_MAX	256	/* workers */
enum prefork {
	PREFORK_WORKER,		/* in a worker: serve, then exit */
	PREFORK_DONE,		/* in the supervisor: all workers stopped */
	PREFORK_ERROR,		/* not set up (errno) */
};
enum prefork	 prefork(size_t, struct writer *);
size_t		 prefork_auto(void);
size_t		 prefork_count(const char *);

/*
 * roles.c: the role hierarchy (sql/0010-roles.sql), compiled once per
 * snapshot: what each role includes.  Lists of roles are ","-joined,
 * in byte order.  A policy over these bounds is not served (500).
 */
#define ROLES_GRAPH_MAX	1024	/* distinct roles in role_includes */
#define ROLES_EDGES_MAX	8192	/* role_includes rows */
struct roles	*roles_new(void);
void		 roles_free(struct roles *);
int		 roles_add(struct roles *, const char *, const char *);
int		 roles_finish(struct roles *, char *, size_t);
size_t		 roles_count(const struct roles *);
int		 roles_holds(const struct roles *, const char *, const char *);
int		 roles_list_has(const char *, const char *);
int		 roles_expand(const struct roles *, const char *, char *,
		    size_t);
int		 roles_list_and(const char *, const char *, char *, size_t);
int		 roles_path(const struct roles *, const char *, const char *,
		    char *, size_t);

/* held.c: the roles a user or token holds, in one decision */
int		 held_roles(struct store *, const char *, const char *, int,
		    char *, size_t);
int		 store_token_list(struct store *, const char *, char *, size_t);
void		 store_seterr(struct store *, const char *);

#endif /* !EXTERN_H */
