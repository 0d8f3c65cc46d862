/*
 * admin.h: the administrator's side, for the portcullis program and
 * the Check suites that test it.  Everything here lives in
 * libportcullis_admin.a (every admin file but admin.c, which holds
 * main() and the command table); include it after extern.h.
 */
#ifndef ADMIN_H
#define ADMIN_H

/* polmodel.c */
/*
 * A whole policy in memory: what `portcullis export` writes, `import
 * policy` reads and `lint` checks, rows in the export's order.  The
 * strings are owned (pol_free()); host and expires may be NULL; hash
 * is NULL unless loaded for lint; line is where a row came from in an
 * import file, 0 if from the database.
 */
struct pol_setting {
	char		*name;
	char		*value;
	size_t		 line;
};
struct pol_user {
	char		*name;
	char		*hash;
	int		 disabled;
	char		*expires;
	size_t		 line;
};
struct pol_role {
	char		*name;
	char		*comment;
	size_t		 line;
};
struct pol_member {
	char		*user;
	char		*role;
	size_t		 line;
};
struct pol_resource {
	char		*pattern;
	char		*host;
	char		*comment;
	size_t		 line;
};
struct pol_include {		/* role_includes (sql/0010-roles.sql) */
	char		*role;
	char		*includes;
	size_t		 line;
};
struct pol_rule {
	int64_t		 id;
	char		*pattern;
	char		*host;
	char		*methods;
	char		*principal;
	char		*comment;
	char		*network;	/* sql/0009: NULL, or a network */
	size_t		 line;
};
/* One row of a named network (sql/0009-networks.sql). */
struct pol_network {
	char		*name;
	char		*cidr;
	size_t		 line;
};
/* A client certificate row (sql/0008-certificates.sql), by its key. */
struct pol_cert {
	char		*fingerprint;	/* or NULL */
	char		*subject;	/* or NULL */
	char		*issuer;	/* or NULL */
	char		*user;
	char		*comment;
	size_t		 line;
};
struct policy {
	struct pol_setting	*settings;
	size_t			 nsettings;
	struct pol_user		*users;
	size_t			 nusers;
	struct pol_role		*roles;
	size_t			 nroles;
	struct pol_member	*members;
	size_t			 nmembers;
	struct pol_resource	*resources;
	size_t			 nresources;
	struct pol_rule		*rules;
	size_t			 nrules;
	struct pol_cert		*certs;
	size_t			 ncerts;
	struct pol_network	*networks;
	size_t			 nnetworks;
	struct pol_include	*includes;
	size_t			 nincludes;
};

/*
 * Each table of a policy, described once: its columns in the order of
 * the policy file, of the database's SELECTs (admstore.c) and of the
 * JSON export, each with its kind and where it lives in the row; the
 * first nkey columns are a row's key, which orders and names it.  The
 * policy file's reader and writers (policyfile.c) and the database's
 * row reader (adm_load()) loop over these.
 */
enum pol_tab {
	POL_SETTINGS,
	POL_USERS,
	POL_ROLES,
	POL_MEMBERS,
	POL_RESOURCES,
	POL_NETWORKS,		/* before the rules that name them */
	POL_RULES,
	POL_CERTS,		/* sql/0008-certificates.sql */
	POL_INCLUDES,		/* role_includes */
	POL__MAX
};
enum pol_kind {
	POLK_TEXT,		/* char *, never NULL */
	POLK_NTEXT,		/* char *, NULL for SQL NULL */
	POLK_ID,		/* int64_t, 1 or more */
	POLK_BOOL,		/* int, 0 or 1 */
	POLK__MAX
};
#define POL_COLS_MAX	7
struct pol_col {
	const char	*name;		/* SQL column, JSON key */
	enum pol_kind	 kind;
	size_t		 off;		/* offsetof() in the row */
};
struct pol_table {
	const char	*name;		/* SQL table, JSON key */
	struct pol_col	 cols[POL_COLS_MAX];
	size_t		 ncols;		/* in the database */
	size_t		 nfile;		/* the first nfile are in the file */
	size_t		 nkey;		/* the first nkey: a row's key */
	int		 jsonmap;	/* JSON: an object of col 0: col 1 */
	size_t		 rowsz;
	size_t		 lineoff;	/* offsetof() of the row's line */
	size_t		 arroff;	/* offsetof() of the array in a policy */
	size_t		 noff;		/* ... and of its count */
};
extern const struct pol_table pol_tables[POL__MAX];
void		*pol_add(struct policy *, enum pol_tab);
size_t		 pol_nrows(const struct policy *, enum pol_tab);
const void	*pol_row(const struct policy *, enum pol_tab, size_t);
int		 pol_cmp(enum pol_tab, const void *, const void *);
int		 pol_same(enum pol_tab, const void *, const void *);
void		 pol_sort(struct policy *, enum pol_tab);
const void	*pol_find(const struct policy *, enum pol_tab, const void *);
struct pol_setting	*pol_add_setting(struct policy *);
struct pol_user		*pol_add_user(struct policy *);
struct pol_role		*pol_add_role(struct policy *);
struct pol_member	*pol_add_member(struct policy *);
struct pol_resource	*pol_add_resource(struct policy *);
struct pol_rule		*pol_add_rule(struct policy *);
struct pol_cert		*pol_add_cert(struct policy *);
struct pol_network	*pol_add_network(struct policy *);
struct pol_include	*pol_add_include(struct policy *);
void		 pol_free(struct policy *);

/* The field of column c in row r, as a T (a const T for a const row). */
#define POL_FIELD(T, r, c)	((T *)(void *)((char *)(r) + (c)->off))
#define POL_CFIELD(T, r, c)	((T const *)(const void *)\
				    ((const char *)(r) + (c)->off))

/* policyfile.c */
/*
 * The policy file: `portcullis export` writes it as sql (read back by
 * `import policy`) or json (not read back); polfile_read() reads the
 * sql form from (buf, len) into a policy, each row with its line.
 */
enum polfmt {
	POLFMT_SQL,
	POLFMT_JSON,
	POLFMT__MAX
};
extern const char *const polfmt_str[POLFMT__MAX];
#define POLFILE_HEADER	"-- portcullis policy, format 1"
#define USER_NAME_MSG	"user name must be 1-255 bytes of UTF-8 " \
			"without ':' or control characters"
void		 polfile_write(FILE *, const struct policy *, enum polfmt);
int		 polfile_read(const char *, size_t, struct policy *,
		    size_t *, char *, size_t);

/* admdb.c, admstore.c */
/*
 * The administrator's read-write side of the database, for
 * `portcullis` and test fixtures: the one admin data layer (admdb.c
 * the file, admstore.c the statements).
 * adm_init() creates or migrates a database (returning the schema
 * version it had, 0 for a new one); adm_open() opens one
 * whose schema is current.  The caller owns the transaction: every
 * function below but adm_init(), adm_replace() and adm_open() runs
 * inside adm_begin() ... adm_commit() or adm_rollback().  Functions
 * on a named row return 1 (done or found), 0 (no such row, or already
 * there: see each) or -1 (error: adm_errmsg() says why, for a refused
 * row the schema's CHECK constraint name or trigger text).
 */
struct adm;
enum adm_ustate {
	ADM_ENABLED,
	ADM_DISABLED,		/* users.disabled = 1 */
	ADM_EXPIRED,		/* users.expires <= now (UTC) */
	ADM_USTATE__MAX
};
extern const char *const adm_ustate_str[ADM_USTATE__MAX];
struct adm_userent {
	const char	*name;
	enum adm_ustate	 state;
	const char	*roles;		/* sorted, ","-joined, "" if none */
};
int		 adm_init(const char *, gid_t, char *, size_t);
int		 adm_replace(const char *, const char *, char *, size_t);
struct adm	*adm_open(const char *, char *, size_t);
void		 adm_close(struct adm *);
const char	*adm_errmsg(const struct adm *);
void		 adm_seterrmsg(struct adm *, const char *);
int		 adm_begin(struct adm *, int);
int		 adm_commit(struct adm *);
void		 adm_rollback(struct adm *);
int		 adm_load(struct adm *, struct policy *, int);
int		 adm_user_hash(struct adm *, const char *, char *, size_t);
int		 adm_user_add(struct adm *, const char *, const char *, int,
		    const char *);
int		 adm_user_set(struct adm *, const char *, int, const char *);
int		 adm_user_passwd(struct adm *, const char *, const char *);
int		 adm_user_disable(struct adm *, const char *, int);
int		 adm_user_del(struct adm *, const char *);
int		 adm_user_list(struct adm *,
		    int (*)(void *, const struct adm_userent *), void *);
int		 adm_role_add(struct adm *, const char *, const char *);
int		 adm_role_comment(struct adm *, const char *, const char *);
int		 adm_role_del(struct adm *, const char *);
int		 adm_grant(struct adm *, const char *, const char *);
int		 adm_revoke(struct adm *, const char *, const char *);
int		 adm_setting_set(struct adm *, const char *, const char *);
int		 adm_resource_add(struct adm *, const char *, const char *,
		    const char *);
int		 adm_resource_comment(struct adm *, const char *,
		    const char *, const char *);
int		 adm_resource_del(struct adm *, const char *, const char *);
int		 adm_rule_add(struct adm *, const struct pol_rule *, int64_t *);
int		 adm_rule_set(struct adm *, const struct pol_rule *);
int		 adm_rule_del(struct adm *, int64_t);
int		 adm_rule_list(struct adm *,
		    int (*)(void *, const struct pol_rule *), void *);
/* SQLite's message for a refused row in an administrator's words. */
void		 adm_plainmsg(char *, size_t, const char *);
/* For adm_open() only: the connection (sqlite3.h's sqlite3). */
struct sqlite3	*admdb_open(const char *, char *, size_t);
struct sqlite3	*adm_conn(struct adm *);
void		 adm_conn_err(struct adm *, const char *);

/* admtoken.c: the tokens table (sql/0007-tokens.sql) for adm_token.c */
struct adm_token {
	const char	*id;
	const char	*user;
	const char	*label;
	const char	*created;	/* YYYY-MM-DDTHH:MM:SSZ */
	const char	*expires;	/* ditto, or NULL */
	int		 disabled;
	int		 expired;	/* expires <= now (UTC) */
	int		 limited;
	const char	*roles;		/* token_roles, ","-joined, or "" */
	const char	*effective;	/* what it acts with now, or "" */
};
int		 adm_token_add(struct adm *, const char *, const char *,
		    const char *, const char *, const char *, int);
int		 adm_token_role(struct adm *, const char *, const char *);
int		 adm_token_holds(struct adm *, const char *, const char *);
int		 adm_token_set(struct adm *, const char *, int);
int		 adm_token_del(struct adm *, const char *);
int		 adm_token_list(struct adm *, const char *,
		    int (*)(void *, const struct adm_token *), void *);
int		 cmd_token(const char *, int, char *[]);
/* tok_prep() returns a sqlite3_stmt: admtoken.c and admcert.c only. */
struct sqlite3_stmt	*tok_prep(struct adm *, const char *,
			    const char *const *, int);
int		 tok_change(struct adm *, const char *, const char *const *,
		    int);
int		 tok_exists(struct adm *, const char *, const char *const *,
		    int);

/* admcert.c: the certificates table (sql/0008-certificates.sql) */
struct adm_cert {
	int64_t		 id;
	const char	*user;
	const char	*fingerprint;	/* or NULL */
	const char	*subject;	/* or NULL */
	const char	*issuer;	/* or NULL */
	const char	*comment;
	const char	*created;	/* YYYY-MM-DDTHH:MM:SSZ */
	int		 disabled;	/* the user's */
	int		 expired;
	int		 pinned;	/* some subject row names an issuer */
};
int		 adm_cert_add(struct adm *, const char *, const char *,
		    const char *, const char *, const char *, int64_t *);
int		 adm_cert_del(struct adm *, int64_t, const char *,
		    const char *, const char *, int64_t *);
int		 adm_cert_list(struct adm *, const char *,
		    int (*)(void *, const struct adm_cert *), void *);
int		 adm_cert_pem(const char *, char *, size_t, size_t *);
int		 cmd_cert(const char *, int, char *[]);
void		 cert_quoted(const char *);

/* admnet.c, adm_net.c: named networks (sql/0009-networks.sql) */
int		 adm_net_add(struct adm *, const char *, const char *);
int		 adm_net_del(struct adm *, const char *, const char *);
int		 cmd_net(const char *, int, char *[]);

/* lint.c */
/*
 * `portcullis lint`'s analysis of a loaded policy (with the users'
 * hashes).  lint_run() calls back once per finding, in the order of
 * lint.c's checks; a finding and its strings live during the call
 * only.  `portcullis lint` prints each as "SUBJECT: MESSAGE", a note
 * as "note: SUBJECT: MESSAGE".  lint_kind_str[] names the kinds.
 */
enum lint_kind {
	LINT_METHOD_CASE,	/* 1. "get": methods are case-sensitive */
	LINT_METHOD_UNKNOWN,	/* 1. not in RFC 9110, 5789 or 4918 */
	LINT_HEAD_NO_GET,	/* 2. HEAD granted without GET */
	LINT_SHADOWED,		/* 3. other rules grant all it does */
	LINT_ROLE_UNHELD,	/* 4. granted to a role nobody holds */
	LINT_NO_RULES,		/* 5. a resource without rules: 405 */
	LINT_NEVER_CHOSEN,	/* 6. more specific ones hide it */
	LINT_HOST_NOTE,		/* 7. a note: counts as no finding */
	LINT_HOST_FALLBACK,	/* 7. lost on the host, not elsewhere */
	LINT_CATCHALL,		/* 8. a subtree overrides an "all" one */
	LINT_SLASH_DIFFERS,	/* 9. PATTERN and PATTERN/ differ */
	LINT_SLASH_ESCAPES,	/* 9. PATTERN/ decided elsewhere, or 403 */
	LINT_INDEX_FILE,	/* 9. index file stricter than its dir */
	LINT_HASH_UNSUPPORTED,	/* 10. never verifies */
	LINT_HASH_COSTLY,	/* 10. over the cost caps: 401 */
	LINT_HASH_UNREADABLE,	/* 10. unreadable parameters */
	LINT_HASH_LEGACY,	/* 10. crypt_checksalt(): legacy */
	/* lintnet.c, named networks (sql/0009-networks.sql): */
	LINT_NET_UNPARSABLE,	/* 11. a row the server cannot parse */
	LINT_NET_OVERLAP,	/* 12. two ranges share addresses */
	LINT_NET_UNUSED,	/* 13. no rule uses the network */
	LINT_NET_HIDES,		/* 14. net:NAME hides a role rule */
	LINT_ROLE_NOTHING_NEW,	/* 15. a role that adds no grant */
	LINT_INCLUDE_IMPLIED,	/* 15. an inclusion implied by others */
	LINT_ROLE_CYCLE,	/* 15. a cycle or over the bounds: 500 */
	LINT__MAX
};
extern const char *const lint_kind_str[LINT__MAX];
struct lint_finding {
	enum lint_kind	 kind;
	int		 note;		/* a note: counts as no finding */
	const int64_t	*ids;		/* the rules involved, ascending */
	size_t		 nids;		/* 0: it is about subject */
	const char	*subject;	/* "rule 4", "rules 2,5", "resource
					   /x host h", "user bob", "host h" */
	const char	*message;
};
int		 lint_run(const struct policy *,
		    void (*)(void *, const struct lint_finding *), void *);
/* lintnet.c: lint_run()'s checks 11-14, the networks */
int		 lint_networks(const struct policy *,
		    void (*)(void *, const struct lint_finding *), void *,
		    size_t *);

/*
 * adm_import.c, adm_export.c, adm_lint.c, adm_check.c, adm_rule.c: the
 * commands of
 * the same names, called by admin.c's table with the database and the
 * arguments after the command name.  Each returns the exit status,
 * or -1 for a usage error (admin.c prints the usage).
 */
int		 cmd_check(const char *, int, char *[]);
int		 cmd_rule(const char *, int, char *[]);
int		 cmd_resource(const char *, int, char *[]);
void		 adm_warn_bare(const struct policy *,
		    int (*)(const struct pol_rule *, const void *), const void *);
int		 cmd_import(const char *, int, char *[]);
int		 cmd_export(const char *, int, char *[]);
int		 cmd_lint(const char *, int, char *[]);
int		 cmd_lockout(const char *, int, char *[]);

/* adm_util.c: shared by the commands */
void		 adm_state_set(const char *);
const char	*adm_state_path(const char *);
int		 adm_fail(const char *, const char *);
const char	*adm_res_name(char *, size_t, const char *, const char *);
int		 adm_opts(int, char *[], const char *const *, const char **,
		    size_t);

/*
 * admrole.c, adm_role.c: the role hierarchy (sql/0010-roles.sql):
 * role_includes rows, and `portcullis role include|exclude|list`.
 */
int		 adm_include_add(struct adm *, const char *, const char *);
int		 adm_include_del(struct adm *, const char *, const char *);
int		 adm_role_graph(const struct policy *, struct roles **,
		    char *, size_t);
int		 cmd_role_hier(const char *, int, char *[]);

/* adm_pass.c */
#define PASS_MAX	1023	/* password bytes, as the server's cap */
int		 adm_pass_read(char *, size_t, size_t *, int, const char **);
int		 adm_pass_new(const char *, char *, size_t);

/* adm_import.c */
/*
 * An import, for cmd_import() and the kinds it runs: the whole file
 * read, the store in a transaction, and what the import prints, kept
 * until it is committed or rolled back.  A kind applies im->buf through
 * im->adm, notes each change with imp_change() and an error with
 * imp_err() (which returns -1), then returns 0 or -1.
 */
struct imp_out {
	char		*buf;
	size_t		 len;
	size_t		 cap;
	size_t		 nchanges;	/* lines that are changes */
	int		 dry;		/* a dry run: "add", not "added" */
	int		 oom;
};
struct imp {
	const char	*fname;		/* "stdin" for "-" */
	char		*buf;		/* the whole file, NUL-terminated */
	size_t		 len;
	struct adm	*adm;		/* in a BEGIN IMMEDIATE */
	struct imp_out	 out;
	char		 what[1024];	/* "FILE:LINE" of an error */
	char		 why[1024];
};
int		 imp_err(struct imp *, size_t, const char *, ...)
		    __attribute__((format(printf, 3, 4)));
void		 imp_change(struct imp *, const char *, const char *,
		    const char *, ...)
		    __attribute__((format(printf, 4, 5)));
/* "$apr1$", "{SHA}" ... of hash into buf, and its name (also for lint). */
const char	*hash_format(const char *, char *, size_t, const char **);

/* htfile.c */
/*
 * Apache's htpasswd and htgroup files, read without a database (see
 * htfile.c): ht_read() NUL-terminates the lines of a buffer in place
 * and gives entries into it, in file order, each once; or a refusal
 * with its line.
 */
enum htkind {
	HTK_PASSWD,		/* "user:hash" */
	HTK_GROUP,		/* "group: user1 user2" */
	HTK__MAX
};
enum htres {
	HT_OK,
	HT_BAD,			/* refused: why, at line */
	HT_NOMEM,
	HT__MAX
};
struct htent {
	const char	*name;		/* the user; the group */
	const char	*value;		/* the hash; a member, NULL for the
					   group itself */
	size_t		 line;
};
struct htfile {
	struct htent	*ents;
	size_t		 nents;
	size_t		 line;		/* of a refusal */
	char		 why[512];
};
#define ROLE_NAME_MSG	"role name must be 1-255 of A-Z a-z 0-9 . _ - " \
			"and not 'all' or 'valid-user'"
enum htres	 ht_read(struct htfile *, enum htkind, char *, size_t);
void		 ht_free(struct htfile *);

/* adm_policy.c: import policy, the reader of export --format sql. */
int		 import_policy(struct imp *);

#endif /* !ADMIN_H */
