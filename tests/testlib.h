/*
 * testlib.h: what the Check suites share: a fresh database built from
 * sql/ in a mkdtemp() directory, a writer into a growing buffer, a
 * req_getter over a table, and main().  Include it after <check.h>
 * and "extern.h".
 */
#ifndef TESTLIB_H
#define TESTLIB_H

/* bcrypt (cost 5) and yescrypt hashes of "s3cret", made with mkpasswd. */
#define FX_BCRYPT \
	"$2b$05$MHEb5r3spB4A.YNJeLjv1.xEu1r7rQF1WLCSw2YFmcEUR6tvub43i"
#define FX_YESCRYPT \
	"$y$j9T$SRaLwXFISvycgN9y/7k5b.$rLnuP0OKrDHjZ7eYeKkw9FHOKQNc/xUZijOOE/A/RFC"
/* bcrypt of "p\xc3\xa4ssw\xc3\xb6rd" (UTF-8). */
#define FX_BCRYPT_UTF8 \
	"$2b$05$8PZAQKUCJXERe4TPi/KN6uEXo2Wvq0NxIMT7LkLJfN5YjGkgP8dZa"

struct fx {
	char	 dir[64];
	char	 db[128];
	char	 state[136];	/* db + "-state": lockout (state.c) */
};

void	 fx_setup(struct fx *);
void	 fx_exec(const struct fx *, const char *);
void	 fx_teardown(struct fx *);

/*
 * A writer that appends to a growing buffer, NUL-terminated (buf is
 * NULL until the first write; the caller frees it), counting calls
 * and failing the call with index failat (-1: none).
 */
struct sink {
	char	*buf;
	size_t	 len;
	size_t	 cap;
	int	 calls;
	int	 failat;	/* fail the call with this index; -1 never */
};

void		 sink_init(struct sink *, struct writer *, int);
int		 sink_write(void *, const void *, size_t);
const char	*sink_str(const struct sink *);

/*
 * A req_getter over a {NULL, NULL}-terminated array of name, value
 * pairs: name's value, or NULL.
 */
const char	*env_get(void *, const char *);

/*
 * For the Check suites of commands (cmd_import() and the like), which
 * print: descriptors 1 and 2 (and 0 if in is not NULL) pointed at files
 * of dir while the command runs in this process, then put back, and
 * what was printed read into out and err (NUL-terminated, owned:
 * cap_free()).  Assert nothing between cap_start() and cap_stop(): a
 * failed assertion under CK_FORK=no would leave them redirected.
 */
struct cap {
	int	 saved[3];		/* the original 0, 1, 2; -1 none */
	char	 path[2][192];		/* the files of 1 and 2 */
	char	*out;
	char	*err;
};

void	 cap_start(struct cap *, const char *, const char *);
void	 cap_stop(struct cap *);
void	 cap_free(struct cap *);

/*
 * The rows of one or more ";"-separated SELECTs on the database at
 * path, as the sqlite3 shell prints them ("a|b\n" per row, NULL as
 * "NULL"), in one NUL-terminated string the caller frees.
 */
char	*db_rows(const char *, const char *);

/* Write n bytes of buf to path (made 0600, truncated). */
void	 file_put(const char *, const void *, size_t);
/* All of path, NUL-terminated, its length in *n (may be NULL); free. */
char	*file_get(const char *, size_t *);

/* Run the suite: main()'s exit status, 0 if every test passed. */
int		 run_suite(Suite *);

#endif /* !TESTLIB_H */
