/*
 * fixture.h: a fresh database built from sql/ in a mkdtemp() directory.
 */
#ifndef FIXTURE_H
#define FIXTURE_H

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

#endif /* !FIXTURE_H */
