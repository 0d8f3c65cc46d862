/*
 * admin.h: the administrator's side, for the portcullis program and
 * the Check suites that test it.  Everything here lives in
 * libportcullis_admin.a (every admin file but admin.c, which holds
 * main() and the command table); include it after extern.h.
 */
#ifndef ADMIN_H
#define ADMIN_H

/* admstore.c */
/*
 * The administrator's read-write side of the database, for
 * `portcullis` and test fixtures.  adm_init() creates or migrates a
 * database; adm_open() opens one whose schema is current.  Functions
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
struct adm_ruleent {
	int64_t		 id;
	const char	*host;		/* NULL: any host */
	const char	*pattern;
	const char	*methods;
	const char	*principal;
};
int		 adm_init(const char *, gid_t, char *, size_t);
int		 adm_replace(const char *, const char *, char *, size_t);
struct adm	*adm_open(const char *, char *, size_t);
void		 adm_close(struct adm *);
const char	*adm_errmsg(const struct adm *);
int		 adm_user_exists(struct adm *, const char *);
int		 adm_user_add(struct adm *, const char *, const char *);
int		 adm_user_passwd(struct adm *, const char *, const char *);
int		 adm_user_del(struct adm *, const char *);
int		 adm_user_disable(struct adm *, const char *, int);
int		 adm_user_list(struct adm *,
		    int (*)(void *, const struct adm_userent *), void *);
int		 adm_role_add(struct adm *, const char *);
int		 adm_role_del(struct adm *, const char *);
int		 adm_grant(struct adm *, const char *, const char *);
int		 adm_revoke(struct adm *, const char *, const char *);
int		 adm_rule_add(struct adm *, const char *, const char *,
		    const char *, const char *, int64_t *);
int		 adm_rule_del(struct adm *, int64_t);
int		 adm_rule_list(struct adm *,
		    int (*)(void *, const struct adm_ruleent *), void *);

/* For admstore_policy.c only: the connection (sqlite3.h's sqlite3). */
struct sqlite3	*adm_sqlite(struct adm *);

/* admstore_policy.c */
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
struct pol_rule {
	int64_t		 id;
	char		*pattern;
	char		*host;
	char		*methods;
	char		*principal;
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
};
struct admp;
struct pol_setting	*pol_add_setting(struct policy *);
struct pol_user		*pol_add_user(struct policy *);
struct pol_role		*pol_add_role(struct policy *);
struct pol_member	*pol_add_member(struct policy *);
struct pol_resource	*pol_add_resource(struct policy *);
struct pol_rule		*pol_add_rule(struct policy *);
void		 pol_free(struct policy *);
struct admp	*admp_open(struct adm *, char *, size_t);
void		 admp_close(struct admp *);
const char	*admp_errmsg(const struct admp *);
int		 admp_begin(struct admp *, int);
int		 admp_commit(struct admp *);
void		 admp_rollback(struct admp *);
int		 admp_load(struct admp *, struct policy *, int);
int		 admp_user_hash(struct admp *, const char *, char *, size_t);
int		 admp_user_add(struct admp *, const char *, const char *, int,
		    const char *);
int		 admp_user_set(struct admp *, const char *, int, const char *);
int		 admp_user_passwd(struct admp *, const char *, const char *);
int		 admp_role_add(struct admp *, const char *, const char *);
int		 admp_role_comment(struct admp *, const char *, const char *);
int		 admp_role_del(struct admp *, const char *);
int		 admp_member_add(struct admp *, const char *, const char *);
int		 admp_member_del(struct admp *, const char *, const char *);
int		 admp_setting_set(struct admp *, const char *, const char *);
int		 admp_resource_add(struct admp *, const char *, const char *,
		    const char *);
int		 admp_resource_comment(struct admp *, const char *,
		    const char *, const char *);
int		 admp_resource_del(struct admp *, const char *, const char *);
int		 admp_rule_put(struct admp *, const struct pol_rule *, int);
int		 admp_rule_del(struct admp *, int64_t);

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

/*
 * adm_import.c, adm_export.c, adm_lint.c, adm_check.c: the commands of
 * the same names, called by admin.c's table with the database and the
 * arguments after the command name.  Each returns the exit status,
 * or -1 for a usage error (admin.c prints the usage).
 */
int		 cmd_check(const char *, int, char *[]);
int		 cmd_import(const char *, int, char *[]);
int		 cmd_export(const char *, int, char *[]);
int		 cmd_lint(const char *, int, char *[]);

/* adm_util.c: shared by the commands */
int		 adm_fail(const char *, const char *);
int		 adm_opts(int, char *[], const char *const *, const char **,
		    size_t);

/* adm_pass.c */
#define PASS_MAX	1023	/* password bytes, as the server's cap */
int		 adm_pass_read(char *, size_t, size_t *, int, const char **);
int		 adm_pass_new(const char *, char *, size_t);

/* adm_import.c */
/*
 * An import, for cmd_import() and the kinds it runs: the whole file
 * read, the store in a transaction, and what the import prints, kept
 * until it is committed or rolled back.  A kind applies im->buf through
 * im->p, notes each change with imp_change() and an error with
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
	struct adm	*adm;
	struct admp	*p;
	struct imp_out	 out;
	char		 what[1024];	/* "FILE:LINE" of an error */
	char		 why[1024];
};
int		 imp_err(struct imp *, size_t, const char *, ...)
		    __attribute__((format(printf, 3, 4)));
void		 imp_change(struct imp *, const char *, const char *,
		    const char *, ...)
		    __attribute__((format(printf, 4, 5)));
int		 imp_check_user(struct imp *, size_t, const char *, size_t);
/* "$apr1$", "{SHA}" ... of hash into buf, and its name (also for lint). */
const char	*hash_format(const char *, char *, size_t, const char **);

/* adm_policy.c: import policy, the reader of export --format sql. */
int		 import_policy(struct imp *);

#endif /* !ADMIN_H */
