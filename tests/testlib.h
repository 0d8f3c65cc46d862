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

/* Run the suite: main()'s exit status, 0 if every test passed. */
int		 run_suite(Suite *);

#endif /* !TESTLIB_H */
