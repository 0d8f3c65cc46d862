/*
 * Unit tests for file.c: a document root built in mkdtemp(), exact
 * response bytes for files, directories (index decided again,
 * redirects), symbolic links (all refused), dotfiles, conditional
 * requests and a large file.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/stat.h>

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "extern.h"
#include "testlib.h"

#define BIG_SIZE	(300 * 1024)
#define MTIME_SEC	1700000000	/* Tue, 14 Nov 2023 22:13:20 GMT */
#define MTIME_NSEC	123456789

#define DENY(code, reason, len) \
	"Status: " code " " reason "\r\n" \
	"Cache-Control: no-store\r\n" \
	"Content-Type: text/plain; charset=utf-8\r\n" \
	"Content-Length: " len "\r\n\r\n"
#define BODY_404	"404 Not Found\n"
#define BODY_500	"500 Internal Server Error\n"

/* The fixture, created in order and removed in reverse. */
enum ent {
	E_DIR,
	E_FILE,		/* content */
	E_BIG,		/* BIG_SIZE patterned bytes */
	E_NOREAD,	/* content, mode 000 */
	E_LINK,		/* relative target */
	E_ABSLINK,	/* target relative to the base, made absolute */
	E_FIFO,
};

static const struct {
	enum ent	 type;
	const char	*name;
	const char	*arg;
} ents[] = {
	{ E_FILE,	"secret.txt",		"top secret\n" },
	{ E_FILE,	"rootx.txt",		"secret sibling\n" },
	{ E_DIR,	"outdir",		NULL },
	{ E_FILE,	"outdir/index.html",	"<p>outside</p>\n" },
	{ E_DIR,	"root",			NULL },
	{ E_FILE,	"root/index.html",	"<h1>home</h1>\n" },
	{ E_FILE,	"root/a.txt",		"hello\n" },
	{ E_FILE,	"root/style.css",	"p { }\n" },
	{ E_FILE,	"root/app.js",		"alert(1);\n" },
	{ E_FILE,	"root/data.json",	"{}\n" },
	{ E_FILE,	"root/feed.xml",	"<x/>\n" },
	{ E_FILE,	"root/logo.svg",	"<svg/>\n" },
	{ E_FILE,	"root/pic.PNG",		"\x89PNG\r\n" },
	{ E_FILE,	"root/img.jpeg",	"\xff\xd8\xff" },
	{ E_FILE,	"root/img.jpg",		"\xff\xd8\xff" },
	{ E_FILE,	"root/anim.gif",	"GIF89a" },
	{ E_FILE,	"root/pic.webp",	"RIFF" },
	{ E_FILE,	"root/favicon.ico",	"ico" },
	{ E_FILE,	"root/doc.pdf",		"%PDF-1.7\n" },
	{ E_FILE,	"root/mod.wasm",	"\0asm" },
	{ E_FILE,	"root/font.woff2",	"wOF2" },
	{ E_FILE,	"root/page.HTM",	"<p>old</p>\n" },
	{ E_FILE,	"root/noext",		"raw\n" },
	{ E_FILE,	"root/archive.tar.gz",	"gz" },
	{ E_FILE,	"root/.txt",		"dot\n" },
	{ E_FILE,	"root/.htpasswd",	"alice:$y$secret\n" },
	{ E_DIR,	"root/.hidden",		NULL },
	{ E_FILE,	"root/.hidden/x.txt",	"hidden secret\n" },
	{ E_FILE,	"root/.hidden/index.html", "hidden secret\n" },
	{ E_FILE,	"root/empty.txt",	"" },
	{ E_BIG,	"root/big.bin",		NULL },
	{ E_NOREAD,	"root/noread.txt",	"hidden\n" },
	{ E_DIR,	"root/sub",		NULL },
	{ E_FILE,	"root/sub/index.html",	"<h1>sub</h1>\n" },
	{ E_FILE,	"root/sub/.secret",	"sub secret\n" },
	{ E_DIR,	"root/private",		NULL },
	{ E_FILE,	"root/private/index.html", "private secret\n" },
	{ E_DIR,	"root/members",		NULL },
	{ E_FILE,	"root/members/index.html", "<h1>members</h1>\n" },
	{ E_DIR,	"root/d ?#%\xc3\xa9",	NULL },
	{ E_DIR,	"root/empty",		NULL },
	{ E_DIR,	"root/trap",		NULL },
	{ E_LINK,	"root/trap/index.html",	"../../secret.txt" },
	{ E_LINK,	"root/out.txt",		"../secret.txt" },
	{ E_ABSLINK,	"root/abs.txt",		"secret.txt" },
	{ E_LINK,	"root/outdir",		"../outdir" },
	{ E_LINK,	"root/sib.txt",		"../rootx.txt" },
	{ E_LINK,	"root/in.txt",		"a.txt" },
	{ E_LINK,	"root/insub",		"sub" },
	{ E_LINK,	"root/alias.txt",	"private/index.html" },
	{ E_LINK,	"root/loop",		"loop" },
	{ E_FIFO,	"root/fifo",		NULL },
	{ E_LINK,	"rootlink",		"root" },
};

static char	 base[PATH_MAX];

/*
 * The second decision file_serve() asks before it serves a
 * directory's index: the path asked is kept in checked.
 * "/private/index.html" is denied (403), "/members/index.html" is
 * allowed to alice only (credentials), anything else to all.
 */
static char	 checked[PATH_MAX];

static void
fake_check(void *arg, const char *path, struct decision *d)
{
	memset(d, 0, sizeof(*d));
	(void)snprintf(checked, sizeof(checked), "%s", path);
	(void)snprintf(d->realm, sizeof(d->realm), "Portcullis");
	if (strcmp(path, "/private/index.html") == 0) {
		d->verdict = VERDICT_FORBIDDEN;
		d->why = WHY_NO_GRANT;
	} else if (strcmp(path, "/members/index.html") == 0) {
		d->verdict = VERDICT_ALLOW;
		d->why = WHY_GRANT_ROLE;
		(void)snprintf(d->user, sizeof(d->user), "alice");
	} else {
		d->verdict = VERDICT_ALLOW;
		d->why = WHY_GRANT_ALL;
		d->anonymous = 1;
	}
}

static const struct file_check check = { fake_check, NULL };

static void
at(char *buf, size_t bufsz, const char *name)
{
	int	 n;

	n = snprintf(buf, bufsz, "%s/%s", base, name);
	ck_assert(n > 0 && (size_t)n < bufsz);
}

static void
put(const char *path, const void *p, size_t n, mode_t mode)
{
	struct timespec	 ts[2];
	int		 fd;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	ck_assert_int_ne(fd, -1);
	ck_assert_int_eq(write(fd, p, n), (ssize_t)n);
	ck_assert_int_eq(fchmod(fd, mode), 0);
	ts[0].tv_sec = ts[1].tv_sec = MTIME_SEC;
	ts[0].tv_nsec = ts[1].tv_nsec = MTIME_NSEC;
	ck_assert_int_eq(futimens(fd, ts), 0);
	ck_assert_int_eq(close(fd), 0);
}

static void
setup(void)
{
	char		 path[PATH_MAX], target[PATH_MAX], *big;
	const char	*c;
	size_t		 i, j;

	(void)snprintf(base, sizeof(base), "/tmp/check_file.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(base));
	for (i = 0; i < nitems(ents); i++) {
		at(path, sizeof(path), ents[i].name);
		c = ents[i].arg;
		switch (ents[i].type) {
		case E_DIR:
			ck_assert_int_eq(mkdir(path, 0755), 0);
			break;
		case E_FILE:
			/* "\0asm" has its NUL on purpose. */
			put(path, c, strcmp(ents[i].name, "root/mod.wasm") ?
			    strlen(c) : 4, 0644);
			break;
		case E_BIG:
			ck_assert_ptr_nonnull(big = malloc(BIG_SIZE));
			for (j = 0; j < BIG_SIZE; j++)
				big[j] = (char)(j * 7 % 251);
			put(path, big, BIG_SIZE, 0644);
			free(big);
			break;
		case E_NOREAD:
			put(path, c, strlen(c), 0);
			break;
		case E_LINK:
			ck_assert_int_eq(symlink(c, path), 0);
			break;
		case E_ABSLINK:
			at(target, sizeof(target), c);
			ck_assert_int_eq(symlink(target, path), 0);
			break;
		case E_FIFO:
			ck_assert_int_eq(mkfifo(path, 0644), 0);
			break;
		}
	}
}

static void
teardown(void)
{
	char	 path[PATH_MAX];
	size_t	 i;

	for (i = nitems(ents); i-- > 0; ) {
		at(path, sizeof(path), ents[i].name);
		if (ents[i].type == E_DIR)
			(void)rmdir(path);
		else
			(void)unlink(path);
	}
	(void)rmdir(base);
}

/* Append n bytes to a sink used as the expected output. */
static void
want_add(struct sink *s, const void *p, size_t n)
{
	ck_assert_int_eq(sink_write(s, p, n), 0);
}

static void
want_str(struct sink *s, const char *str)
{
	want_add(s, str, strlen(str));
}

enum rootv {
	R_PLAIN,	/* base/root */
	R_SLASH,	/* base/root/ */
	R_LINK,		/* base/rootlink -> root */
	R_MISSING,	/* base/nothere */
};

enum imsv {
	IMS_NONE,
	IMS_LIT,	/* the literal ims */
	IMS_EQUAL,	/* the file's Last-Modified */
	IMS_LATER,	/* a second after */
	IMS_EARLIER,	/* a second before */
	IMS_PAST,	/* a day before now (after the file's mtime) */
	IMS_FUTURE,	/* a day after now */
};

static const struct {
	const char	*path;		/* request path */
	enum rootv	 root;
	const char	*file;		/* served, under base; NULL: none */
	const char	*type;		/* Content-Type */
	int		 status;
	int		 head;
	int		 anon;
	const char	*inm;		/* '@' stands for the ETag */
	enum imsv	 imsv;
	const char	*ims;
} rows[] = {
	/* Types, by extension, case-insensitive. */
	{ "/a.txt", R_PLAIN, "root/a.txt", "text/plain; charset=utf-8",
	    200, 0, 0, NULL, IMS_NONE, NULL },
	{ "/a.txt", R_PLAIN, "root/a.txt", "text/plain; charset=utf-8",
	    200, 1, 0, NULL, IMS_NONE, NULL },
	{ "/a.txt", R_PLAIN, "root/a.txt", "text/plain; charset=utf-8",
	    200, 0, 1, NULL, IMS_NONE, NULL },
	{ "/a.txt", R_PLAIN, "root/a.txt", "text/plain; charset=utf-8",
	    200, 1, 1, NULL, IMS_NONE, NULL },
	{ "/style.css", R_PLAIN, "root/style.css", "text/css; charset=utf-8",
	    200, 0, 0, NULL, IMS_NONE, NULL },
	{ "/app.js", R_PLAIN, "root/app.js",
	    "text/javascript; charset=utf-8",
	    200, 0, 0, NULL, IMS_NONE, NULL },
	{ "/data.json", R_PLAIN, "root/data.json", "application/json",
	    200, 0, 0, NULL, IMS_NONE, NULL },
	{ "/feed.xml", R_PLAIN, "root/feed.xml", "application/xml",
	    200, 0, 0, NULL, IMS_NONE, NULL },
	{ "/logo.svg", R_PLAIN, "root/logo.svg", "image/svg+xml",
	    200, 0, 0, NULL, IMS_NONE, NULL },
	{ "/pic.PNG", R_PLAIN, "root/pic.PNG", "image/png",
	    200, 0, 0, NULL, IMS_NONE, NULL },
	{ "/img.jpeg", R_PLAIN, "root/img.jpeg", "image/jpeg",
	    200, 0, 0, NULL, IMS_NONE, NULL },
	{ "/img.jpg", R_PLAIN, "root/img.jpg", "image/jpeg",
	    200, 0, 0, NULL, IMS_NONE, NULL },
	{ "/anim.gif", R_PLAIN, "root/anim.gif", "image/gif",
	    200, 0, 0, NULL, IMS_NONE, NULL },
	{ "/pic.webp", R_PLAIN, "root/pic.webp", "image/webp",
	    200, 0, 0, NULL, IMS_NONE, NULL },
	{ "/favicon.ico", R_PLAIN, "root/favicon.ico", "image/x-icon",
	    200, 0, 0, NULL, IMS_NONE, NULL },
	{ "/doc.pdf", R_PLAIN, "root/doc.pdf", "application/pdf",
	    200, 0, 0, NULL, IMS_NONE, NULL },
	{ "/mod.wasm", R_PLAIN, "root/mod.wasm", "application/wasm",
	    200, 0, 0, NULL, IMS_NONE, NULL },
	{ "/font.woff2", R_PLAIN, "root/font.woff2", "font/woff2",
	    200, 0, 0, NULL, IMS_NONE, NULL },
	{ "/page.HTM", R_PLAIN, "root/page.HTM", "text/html; charset=utf-8",
	    200, 0, 0, NULL, IMS_NONE, NULL },
	{ "/noext", R_PLAIN, "root/noext", "application/octet-stream",
	    200, 0, 0, NULL, IMS_NONE, NULL },
	{ "/archive.tar.gz", R_PLAIN, "root/archive.tar.gz",
	    "application/octet-stream", 200, 0, 0, NULL, IMS_NONE, NULL },
	/* Dotfiles, and paths through dot-directories, are never there. */
	{ "/.txt", R_PLAIN, NULL, NULL, 404, 0, 0, NULL, IMS_NONE, NULL },
	{ "/.htpasswd", R_PLAIN, NULL, NULL, 404, 0, 0, NULL, IMS_NONE, NULL },
	{ "/.htpasswd", R_PLAIN, NULL, NULL, 404, 1, 0, NULL, IMS_NONE, NULL },
	{ "/.hidden/x.txt", R_PLAIN, NULL, NULL, 404, 0, 0,
	    NULL, IMS_NONE, NULL },
	{ "/.hidden/", R_PLAIN, NULL, NULL, 404, 0, 0, NULL, IMS_NONE, NULL },
	{ "/sub/.secret", R_PLAIN, NULL, NULL, 404, 0, 0,
	    NULL, IMS_NONE, NULL },
	{ "/empty.txt", R_PLAIN, "root/empty.txt",
	    "text/plain; charset=utf-8", 200, 0, 0, NULL, IMS_NONE, NULL },
	{ "/big.bin", R_PLAIN, "root/big.bin", "application/octet-stream",
	    200, 0, 0, NULL, IMS_NONE, NULL },
	{ "/big.bin", R_PLAIN, "root/big.bin", "application/octet-stream",
	    200, 1, 1, NULL, IMS_NONE, NULL },

	/* Directories: index.html, never a listing. */
	{ "/", R_PLAIN, "root/index.html", "text/html; charset=utf-8",
	    200, 0, 0, NULL, IMS_NONE, NULL },
	{ "/sub/", R_PLAIN, "root/sub/index.html",
	    "text/html; charset=utf-8", 200, 0, 1, NULL, IMS_NONE, NULL },
	{ "/empty/", R_PLAIN, NULL, NULL, 404, 1, 0, NULL, IMS_NONE, NULL },

	/* Links below the root are never followed, wherever they lead. */
	{ "/in.txt", R_PLAIN, NULL, NULL, 404, 0, 0, NULL, IMS_NONE, NULL },
	{ "/alias.txt", R_PLAIN, NULL, NULL, 404, 0, 1,
	    NULL, IMS_NONE, NULL },
	{ "/insub/", R_PLAIN, NULL, NULL, 404, 0, 0, NULL, IMS_NONE, NULL },
	{ "/insub", R_PLAIN, NULL, NULL, 404, 0, 0, NULL, IMS_NONE, NULL },
	{ "/insub/index.html", R_PLAIN, NULL, NULL, 404, 0, 0,
	    NULL, IMS_NONE, NULL },
	{ "/out.txt", R_PLAIN, NULL, NULL, 404, 0, 0, NULL, IMS_NONE, NULL },
	{ "/abs.txt", R_PLAIN, NULL, NULL, 404, 0, 0, NULL, IMS_NONE, NULL },
	{ "/sib.txt", R_PLAIN, NULL, NULL, 404, 0, 0, NULL, IMS_NONE, NULL },
	{ "/outdir", R_PLAIN, NULL, NULL, 404, 0, 0, NULL, IMS_NONE, NULL },
	{ "/outdir/index.html", R_PLAIN, NULL, NULL, 404, 0, 0,
	    NULL, IMS_NONE, NULL },
	{ "/trap/", R_PLAIN, NULL, NULL, 404, 0, 0, NULL, IMS_NONE, NULL },
	{ "/loop", R_PLAIN, NULL, NULL, 404, 0, 0, NULL, IMS_NONE, NULL },

	/* Missing, not a directory, not a regular file. */
	{ "/missing.txt", R_PLAIN, NULL, NULL, 404, 0, 0,
	    NULL, IMS_NONE, NULL },
	{ "/missing.txt", R_PLAIN, NULL, NULL, 404, 1, 0,
	    NULL, IMS_NONE, NULL },
	{ "/a.txt/x", R_PLAIN, NULL, NULL, 404, 0, 0, NULL, IMS_NONE, NULL },
	{ "/a.txt/", R_PLAIN, NULL, NULL, 404, 0, 0, NULL, IMS_NONE, NULL },
	{ "/fifo", R_PLAIN, NULL, NULL, 404, 0, 0, NULL, IMS_NONE, NULL },

	/* Roots given other ways; a missing root is a 500. */
	{ "/a.txt", R_SLASH, "root/a.txt", "text/plain; charset=utf-8",
	    200, 0, 0, NULL, IMS_NONE, NULL },
	{ "/a.txt", R_LINK, "root/a.txt", "text/plain; charset=utf-8",
	    200, 0, 0, NULL, IMS_NONE, NULL },
	{ "/out.txt", R_LINK, NULL, NULL, 404, 0, 0, NULL, IMS_NONE, NULL },
	{ "/a.txt", R_MISSING, NULL, NULL, 500, 0, 0, NULL, IMS_NONE, NULL },
	{ "/a.txt", R_MISSING, NULL, NULL, 500, 1, 0, NULL, IMS_NONE, NULL },
	{ "", R_PLAIN, NULL, NULL, 500, 0, 0, NULL, IMS_NONE, NULL },

	/* If-None-Match (RFC 9110 §13.1.2), weak comparison. */
	{ "/a.txt", R_PLAIN, "root/a.txt", NULL, 304, 0, 0,
	    "@", IMS_NONE, NULL },
	{ "/a.txt", R_PLAIN, "root/a.txt", NULL, 304, 1, 0,
	    "@", IMS_NONE, NULL },
	{ "/a.txt", R_PLAIN, "root/a.txt", NULL, 304, 0, 1,
	    "@", IMS_NONE, NULL },
	{ "/a.txt", R_PLAIN, "root/a.txt", NULL, 304, 0, 0,
	    "W/@", IMS_NONE, NULL },
	{ "/a.txt", R_PLAIN, "root/a.txt", NULL, 304, 0, 0,
	    "\"x\", @", IMS_NONE, NULL },
	{ "/a.txt", R_PLAIN, "root/a.txt", NULL, 304, 0, 0,
	    " W/\"x\",W/@ , \"y\" ", IMS_NONE, NULL },
	{ "/a.txt", R_PLAIN, "root/a.txt", NULL, 304, 0, 0,
	    ", ,@,", IMS_NONE, NULL },
	{ "/a.txt", R_PLAIN, "root/a.txt", NULL, 304, 0, 0,
	    "*", IMS_NONE, NULL },
	{ "/sub/", R_PLAIN, "root/sub/index.html", NULL, 304, 0, 1,
	    "*", IMS_NONE, NULL },
	{ "/a.txt", R_PLAIN, "root/a.txt", "text/plain; charset=utf-8",
	    200, 0, 0, "\"x\"", IMS_NONE, NULL },
	{ "/a.txt", R_PLAIN, "root/a.txt", "text/plain; charset=utf-8",
	    200, 0, 0, "\"x\", W/\"y\"", IMS_NONE, NULL },
	{ "/a.txt", R_PLAIN, "root/a.txt", "text/plain; charset=utf-8",
	    200, 0, 0, "@ junk", IMS_NONE, NULL },	/* malformed */
	{ "/a.txt", R_PLAIN, "root/a.txt", "text/plain; charset=utf-8",
	    200, 0, 0, "@, x", IMS_NONE, NULL },	/* malformed */
	{ "/a.txt", R_PLAIN, "root/a.txt", "text/plain; charset=utf-8",
	    200, 0, 0, "*, @", IMS_NONE, NULL },	/* malformed */
	{ "/a.txt", R_PLAIN, "root/a.txt", "text/plain; charset=utf-8",
	    200, 0, 0, "\"unterminated", IMS_NONE, NULL },
	{ "/missing.txt", R_PLAIN, NULL, NULL, 404, 0, 0,
	    "*", IMS_NONE, NULL },

	/* If-Modified-Since (§13.1.3): mtime <= date gives 304. */
	{ "/a.txt", R_PLAIN, "root/a.txt", NULL, 304, 0, 0,
	    NULL, IMS_EQUAL, NULL },
	{ "/a.txt", R_PLAIN, "root/a.txt", NULL, 304, 1, 1,
	    NULL, IMS_EQUAL, NULL },
	{ "/a.txt", R_PLAIN, "root/a.txt", NULL, 304, 0, 0,
	    NULL, IMS_LATER, NULL },
	{ "/a.txt", R_PLAIN, "root/a.txt", "text/plain; charset=utf-8",
	    200, 0, 0, NULL, IMS_EARLIER, NULL },
	{ "/a.txt", R_PLAIN, "root/a.txt", NULL, 304, 0, 0,
	    NULL, IMS_LIT, "Tue, 14 Nov 2023 22:13:20 GMT" },
	{ "/a.txt", R_PLAIN, "root/a.txt", "text/plain; charset=utf-8",
	    200, 0, 0, NULL, IMS_LIT, "Tue, 14 Nov 2023 22:13:19 GMT" },
	{ "/a.txt", R_PLAIN, "root/a.txt", NULL, 304, 0, 0,
	    NULL, IMS_LIT, "Thu, 29 Feb 2024 00:00:00 GMT" },
	{ "/a.txt", R_PLAIN, "root/a.txt", NULL, 304, 0, 0,
	    NULL, IMS_LIT, "Thu, 30 Nov 2023 23:59:60 GMT" },	/* leap */
	{ "/a.txt", R_PLAIN, "root/a.txt", NULL, 304, 0, 0,
	    NULL, IMS_PAST, NULL },
	/* A date later than now is ignored: a full 200 (§13.1.3). */
	{ "/a.txt", R_PLAIN, "root/a.txt", "text/plain; charset=utf-8",
	    200, 0, 0, NULL, IMS_FUTURE, NULL },
	{ "/a.txt", R_PLAIN, "root/a.txt", "text/plain; charset=utf-8",
	    200, 1, 0, NULL, IMS_FUTURE, NULL },
	{ "/a.txt", R_PLAIN, "root/a.txt", "text/plain; charset=utf-8",
	    200, 0, 0, NULL, IMS_LIT, "Fri, 31 Dec 9999 23:59:59 GMT" },
	{ "/a.txt", R_PLAIN, "root/a.txt", "text/plain; charset=utf-8",
	    200, 0, 0, NULL, IMS_LIT, "Fri, 31 Dec 9999 23:59:60 GMT" },
	{ "/a.txt", R_PLAIN, "root/a.txt", "text/plain; charset=utf-8",
	    200, 0, 0, NULL, IMS_LIT, "Thu, 01 Jan 1970 00:00:00 GMT" },
	/* Unparsable dates are ignored, even far in the future. */
	/* (31 Jun 2099 would be 1 Jul, a Wednesday.) */
	{ "/a.txt", R_PLAIN, "root/a.txt", "text/plain; charset=utf-8",
	    200, 0, 0, NULL, IMS_LIT, "garbage" },
	{ "/a.txt", R_PLAIN, "root/a.txt", "text/plain; charset=utf-8",
	    200, 0, 0, NULL, IMS_LIT, "" },
	{ "/a.txt", R_PLAIN, "root/a.txt", "text/plain; charset=utf-8",
	    200, 0, 0, NULL, IMS_LIT, "Thu, 31 Dec 9999 23:59:59 GMT" },
	{ "/a.txt", R_PLAIN, "root/a.txt", "text/plain; charset=utf-8",
	    200, 0, 0, NULL, IMS_LIT, "Fri, 31 Dec 9999 23:59:59 UTC" },
	{ "/a.txt", R_PLAIN, "root/a.txt", "text/plain; charset=utf-8",
	    200, 0, 0, NULL, IMS_LIT, "Fri, 31 dec 9999 23:59:59 GMT" },
	{ "/a.txt", R_PLAIN, "root/a.txt", "text/plain; charset=utf-8",
	    200, 0, 0, NULL, IMS_LIT, "Fri, 31 Dec 9999 24:00:00 GMT" },
	{ "/a.txt", R_PLAIN, "root/a.txt", "text/plain; charset=utf-8",
	    200, 0, 0, NULL, IMS_LIT, "Fri, 31 Dec 9999 23:59:59 GMT " },
	{ "/a.txt", R_PLAIN, "root/a.txt", "text/plain; charset=utf-8",
	    200, 0, 0, NULL, IMS_LIT, "Fri, 31 Dec 9999 23:5x:59 GMT" },
	{ "/a.txt", R_PLAIN, "root/a.txt", "text/plain; charset=utf-8",
	    200, 0, 0, NULL, IMS_LIT, "Fri, 31 Dec 9999 23:59:61 GMT" },
	{ "/a.txt", R_PLAIN, "root/a.txt", "text/plain; charset=utf-8",
	    200, 0, 0, NULL, IMS_LIT, "Thu, 29 Feb 2029 00:00:00 GMT" },
	{ "/a.txt", R_PLAIN, "root/a.txt", "text/plain; charset=utf-8",
	    200, 0, 0, NULL, IMS_LIT, "Wed, 31 Jun 2099 00:00:00 GMT" },
	{ "/a.txt", R_PLAIN, "root/a.txt", "text/plain; charset=utf-8",
	    200, 0, 0, NULL, IMS_LIT, "Thursday, 31-Dec-99 23:59:59 GMT" },
	{ "/a.txt", R_PLAIN, "root/a.txt", "text/plain; charset=utf-8",
	    200, 0, 0, NULL, IMS_LIT, "Thu Dec 31 23:59:59 2099" },

	/* If-None-Match present: If-Modified-Since is ignored. */
	{ "/a.txt", R_PLAIN, "root/a.txt", "text/plain; charset=utf-8",
	    200, 0, 0, "\"x\"", IMS_EQUAL, NULL },
	{ "/a.txt", R_PLAIN, "root/a.txt", "text/plain; charset=utf-8",
	    200, 0, 0, "\"x\"", IMS_LATER, NULL },
	{ "/a.txt", R_PLAIN, "root/a.txt", NULL, 304, 0, 0,
	    "@", IMS_EARLIER, NULL },
	{ "/a.txt", R_PLAIN, "root/a.txt", NULL, 304, 0, 0,
	    "", IMS_EQUAL, NULL },			/* empty: absent */
};

static void
root_of(char *buf, size_t bufsz, enum rootv r)
{
	switch (r) {
	case R_PLAIN:
		at(buf, bufsz, "root");
		break;
	case R_SLASH:
		at(buf, bufsz, "root/");
		break;
	case R_LINK:
		at(buf, bufsz, "rootlink");
		break;
	case R_MISSING:
		at(buf, bufsz, "nothere");
		break;
	}
}

/* The IMF-fixdate of t through the C locale's strftime(3). */
static void
imfdate(char *buf, size_t bufsz, time_t t)
{
	struct tm	 tm;

	ck_assert_ptr_nonnull(gmtime_r(&t, &tm));
	ck_assert_uint_eq(strftime(buf, bufsz,
	    "%a, %d %b %Y %H:%M:%S GMT", &tm), 29);
}

/* Copy s into buf with every '@' replaced by etag. */
static void
subst(char *buf, size_t bufsz, const char *s, const char *etag)
{
	size_t	 n = 0, el = strlen(etag);

	for (; *s != '\0'; s++) {
		if (*s == '@') {
			ck_assert_uint_lt(n + el, bufsz);
			memcpy(buf + n, etag, el);
			n += el;
		} else {
			ck_assert_uint_lt(n + 1, bufsz);
			buf[n++] = *s;
		}
	}
	buf[n] = '\0';
}

/* Append the whole content of path to s. */
static void
want_file(struct sink *s, const char *path, size_t size)
{
	char	*p;
	int	 fd;

	ck_assert_ptr_nonnull(p = malloc(size + 1));
	ck_assert_int_ne(fd = open(path, O_RDONLY | O_CLOEXEC), -1);
	ck_assert_int_eq(read(fd, p, size + 1), (ssize_t)size);
	close(fd);
	want_add(s, p, size);
	free(p);
}

START_TEST(test_file_serve)
{
	struct request	 req;
	struct decision	 d;
	struct sink	 got, want;
	struct writer	 w;
	struct stat	 st;
	char		 root[PATH_MAX], file[PATH_MAX], line[PATH_MAX];
	char		 etag[128], date[64], inm[512], ims[64];
	int		 status;

	memset(&req, 0, sizeof(req));
	memset(&d, 0, sizeof(d));
	d.verdict = VERDICT_ALLOW;
	d.anonymous = rows[_i].anon;
	(void)snprintf(d.user, sizeof(d.user), "alice");
	(void)snprintf(req.method, sizeof(req.method), "%s",
	    rows[_i].head ? "HEAD" : "GET");
	(void)snprintf(req.path, sizeof(req.path), "%s", rows[_i].path);
	root_of(root, sizeof(root), rows[_i].root);
	sink_init(&want, &w, -1);
	etag[0] = date[0] = '\0';

	if (rows[_i].file != NULL) {
		at(file, sizeof(file), rows[_i].file);
		ck_assert_int_eq(stat(file, &st), 0);
		(void)snprintf(etag, sizeof(etag), "\"%jx-%jx-%lx\"",
		    (uintmax_t)st.st_size, (uintmax_t)st.st_mtim.tv_sec,
		    (unsigned long)st.st_mtim.tv_nsec);
		imfdate(date, sizeof(date), st.st_mtim.tv_sec);
		switch (rows[_i].imsv) {
		case IMS_NONE:
			break;
		case IMS_LIT:
			(void)snprintf(ims, sizeof(ims), "%s", rows[_i].ims);
			req.ims = ims;
			break;
		case IMS_PAST:
		case IMS_FUTURE:
			imfdate(ims, sizeof(ims), time(NULL) +
			    (rows[_i].imsv == IMS_PAST ? -86400 : 86400));
			req.ims = ims;
			break;
		case IMS_EQUAL:
		case IMS_LATER:
		case IMS_EARLIER:
			imfdate(ims, sizeof(ims), st.st_mtim.tv_sec +
			    (rows[_i].imsv == IMS_EQUAL ? 0 :
			    rows[_i].imsv == IMS_LATER ? 1 : -1));
			req.ims = ims;
			break;
		}
	}
	if (rows[_i].inm != NULL) {
		subst(inm, sizeof(inm), rows[_i].inm, etag);
		req.inm = inm;
	}

	switch (rows[_i].status) {
	case 200:
	case 304:
		if (rows[_i].status == 200) {
			(void)snprintf(line, sizeof(line), "Status: 200 OK\r\n"
			    "Content-Type: %s\r\nContent-Length: %jd\r\n"
			    "X-Content-Type-Options: nosniff\r\n",
			    rows[_i].type, (intmax_t)st.st_size);
		} else
			(void)snprintf(line, sizeof(line),
			    "Status: 304 Not Modified\r\n");
		want_str(&want, line);
		(void)snprintf(line, sizeof(line), "Last-Modified: %s\r\n"
		    "ETag: %s\r\n", date, etag);
		want_str(&want, line);
		if (!rows[_i].anon)
			want_str(&want, "Vary: Authorization\r\n"
			    "Cache-Control: private\r\n");
		want_str(&want, "\r\n");
		if (rows[_i].status == 200 && !rows[_i].head)
			want_file(&want, file, (size_t)st.st_size);
		break;
	case 404:
		want_str(&want, DENY("404", "Not Found", "14"));
		if (!rows[_i].head)
			want_str(&want, BODY_404);
		break;
	default:
		want_str(&want, DENY("500", "Internal Server Error", "26"));
		if (!rows[_i].head)
			want_str(&want, BODY_500);
		break;
	}

	sink_init(&got, &w, -1);
	checked[0] = '\0';
	status = file_serve(&w, root, &req, &d, rows[_i].head, &check);
	ck_assert_int_eq(status, rows[_i].status);
	/* A directory's index was decided again, under its own name. */
	if (rows[_i].file != NULL && rows[_i].path[strlen(rows[_i].path) -
	    1] == '/') {
		(void)snprintf(line, sizeof(line), "%sindex.html",
		    rows[_i].path);
		ck_assert_str_eq(checked, line);
	} else if (rows[_i].file != NULL)
		ck_assert_str_eq(checked, "");
	ck_assert_uint_eq(got.len, want.len);
	if (want.len < 4096)
		ck_assert_str_eq(got.buf, want.buf);
	ck_assert_int_eq(memcmp(got.buf, want.buf, want.len), 0);
	/* The 304 and denials never carry the file. */
	if (rows[_i].status != 200)
		ck_assert_ptr_null(strstr(got.buf, "Content-Type: text/html"));
	ck_assert_ptr_null(strstr(got.buf, "secret"));
	free(got.buf);
	free(want.buf);
}
END_TEST

/* A file the process cannot read is a 500 (skipped as root). */
START_TEST(test_file_noread)
{
	struct request	 req;
	struct decision	 d;
	struct sink	 got;
	struct writer	 w;
	char		 root[PATH_MAX];

	if (geteuid() == 0)
		return;		/* root reads mode 000 files */
	memset(&req, 0, sizeof(req));
	memset(&d, 0, sizeof(d));
	(void)snprintf(req.path, sizeof(req.path), "/noread.txt");
	root_of(root, sizeof(root), R_PLAIN);
	sink_init(&got, &w, -1);
	ck_assert_int_eq(file_serve(&w, root, &req, &d, 0, &check), 500);
	ck_assert_str_eq(got.buf, DENY("500", "Internal Server Error", "26")
	    BODY_500);
	free(got.buf);
}
END_TEST

/* A path longer than PATH_MAX once joined to the root: 404. */
START_TEST(test_file_toolong)
{
	struct request	 req;
	struct decision	 d;
	struct sink	 got;
	struct writer	 w;
	char		 root[PATH_MAX];

	memset(&req, 0, sizeof(req));
	memset(&d, 0, sizeof(d));
	memset(req.path, 'a', REQ_PATH_MAX);
	req.path[0] = '/';
	req.path[REQ_PATH_MAX] = '\0';
	root_of(root, sizeof(root), R_PLAIN);
	sink_init(&got, &w, -1);
	ck_assert_int_eq(file_serve(&w, root, &req, &d, 0, &check), 404);
	ck_assert_str_eq(got.buf, DENY("404", "Not Found", "14") BODY_404);
	free(got.buf);
}
END_TEST

/* Whichever write fails, file_serve() says -1. */
static const struct {
	const char	*path;
	int		 head;
} fails[] = {
	{ "/big.bin", 0 },
	{ "/big.bin", 1 },
	{ "/missing.txt", 0 },
	{ "/a.txt", 0 },
	{ "/sub/", 0 },
	{ "/private/", 0 },
	{ "/sub", 0 },
	{ "/sub", 1 },
};

START_TEST(test_file_write_fail)
{
	struct request	 req;
	struct decision	 d;
	struct sink	 got;
	struct writer	 w;
	char		 root[PATH_MAX];
	int		 k, rc;

	memset(&req, 0, sizeof(req));
	memset(&d, 0, sizeof(d));
	(void)snprintf(req.path, sizeof(req.path), "%s", fails[_i].path);
	root_of(root, sizeof(root), R_PLAIN);
	for (k = 0; ; k++) {
		sink_init(&got, &w, k);
		rc = file_serve(&w, root, &req, &d, fails[_i].head, &check);
		free(got.buf);
		if (got.calls <= k) {
			ck_assert_int_ne(rc, -1);
			break;
		}
		ck_assert_int_eq(rc, -1);
	}
	ck_assert_int_gt(k, 1);
}
END_TEST

/*
 * A directory's index.html is decided again under its own name: a
 * denial of it is the answer (whatever the directory's decision), an
 * allow that needs credentials makes the response private.  A file
 * asked for by its own name is not decided again.
 */
static const struct {
	const char	*path;
	int		 anon;		/* the directory's decision */
	int		 status;
	const char	*checked;	/* the path decided again, or "" */
	const char	*want;		/* the exact response */
} indexes[] = {
	{ "/private/", 1, 403, "/private/index.html",
	    DENY("403", "Forbidden", "14") "403 Forbidden\n" },
	{ "/private/", 0, 403, "/private/index.html",
	    DENY("403", "Forbidden", "14") "403 Forbidden\n" },
	{ "/members/", 1, 200, "/members/index.html",
	    "Vary: Authorization\r\nCache-Control: private\r\n\r\n"
	    "<h1>members</h1>\n" },
	{ "/sub/", 1, 200, "/sub/index.html",
	    "ETag: @\r\n\r\n<h1>sub</h1>\n" },
	{ "/private/index.html", 1, 200, "",
	    "ETag: @\r\n\r\nprivate secret\n" },
};

START_TEST(test_file_index)
{
	struct request	 req;
	struct decision	 d;
	struct sink	 got;
	struct writer	 w;
	char		 root[PATH_MAX];
	const char	*tail;
	size_t		 n;

	memset(&req, 0, sizeof(req));
	memset(&d, 0, sizeof(d));
	d.verdict = VERDICT_ALLOW;
	d.anonymous = indexes[_i].anon;
	(void)snprintf(req.method, sizeof(req.method), "GET");
	(void)snprintf(req.path, sizeof(req.path), "%s", indexes[_i].path);
	root_of(root, sizeof(root), R_PLAIN);
	sink_init(&got, &w, -1);
	checked[0] = '\0';
	ck_assert_int_eq(file_serve(&w, root, &req, &d, 0, &check),
	    indexes[_i].status);
	ck_assert_str_eq(checked, indexes[_i].checked);
	if (indexes[_i].status != 200) {
		ck_assert_str_eq(got.buf, indexes[_i].want);
		ck_assert_int_eq(d.verdict, VERDICT_FORBIDDEN);
		ck_assert_int_eq(d.why, WHY_NO_GRANT);
	} else {
		/* The tail, from ETag on ("@": any value) or Vary on. */
		tail = strchr(indexes[_i].want, '@') != NULL ?
		    strstr(got.buf, "ETag: ") : strstr(got.buf, "Vary: ");
		ck_assert_ptr_nonnull(tail);
		if (strchr(indexes[_i].want, '@') != NULL) {
			tail = strchr(tail, '\n') + 1;
			n = strlen(strchr(indexes[_i].want, '\n') + 1);
			ck_assert_str_eq(tail, strchr(indexes[_i].want,
			    '\n') + 1);
			ck_assert_uint_gt(n, 0);
			ck_assert_ptr_null(strstr(got.buf, "Vary:"));
		} else
			ck_assert_str_eq(tail, indexes[_i].want);
	}
	free(got.buf);
}
END_TEST

/*
 * A directory without its trailing slash: 301 to it, the query kept
 * (re-encoded where it holds what a header must not), the path
 * percent-encoded, the same answer with or without credentials.  A
 * symbolic link to a directory is not redirected.
 */
static const struct {
	const char	*path;
	const char	*query;
	int		 anon;
	int		 head;
	int		 status;
	const char	*location;
} redirects[] = {
	{ "/sub", NULL, 1, 0, 301, "/sub/" },
	{ "/sub", NULL, 0, 0, 301, "/sub/" },
	{ "/sub", NULL, 1, 1, 301, "/sub/" },
	{ "/empty", NULL, 1, 0, 301, "/empty/" },
	{ "/private", NULL, 1, 0, 301, "/private/" },
	{ "/sub", "?a=1&b=%20", 1, 0, 301, "/sub/?a=1&b=%20" },
	{ "/sub", "?", 1, 0, 301, "/sub/" },
	{ "/sub", "?x=<\"\x7f \xc3\xa9>\r\n", 1, 0, 301,
	    "/sub/?x=%3C%22%7F%20%C3%A9%3E%0D%0A" },
	{ "/d ?#%\xc3\xa9", "?q", 1, 0, 301, "/d%20%3F%23%25%C3%A9/?q" },
	{ "/insub", NULL, 1, 0, 404, NULL },
	{ "/.hidden", NULL, 1, 0, 404, NULL },
};

START_TEST(test_file_redirect)
{
	struct request	 req;
	struct decision	 d;
	struct sink	 got;
	struct writer	 w;
	char		 root[PATH_MAX], want[1024];

	memset(&req, 0, sizeof(req));
	memset(&d, 0, sizeof(d));
	d.verdict = VERDICT_ALLOW;
	d.anonymous = redirects[_i].anon;
	(void)snprintf(req.method, sizeof(req.method), "%s",
	    redirects[_i].head ? "HEAD" : "GET");
	(void)snprintf(req.path, sizeof(req.path), "%s", redirects[_i].path);
	req.query = redirects[_i].query;
	root_of(root, sizeof(root), R_PLAIN);
	sink_init(&got, &w, -1);
	checked[0] = '\0';
	ck_assert_int_eq(file_serve(&w, root, &req, &d, redirects[_i].head,
	    &check), redirects[_i].status);
	ck_assert_str_eq(checked, "");
	if (redirects[_i].status == 404) {
		ck_assert_str_eq(got.buf, DENY("404", "Not Found", "14")
		    BODY_404);
		free(got.buf);
		return;
	}
	(void)snprintf(want, sizeof(want), "Status: 301 Moved Permanently\r\n"
	    "Location: %s\r\nContent-Type: text/plain; charset=utf-8\r\n"
	    "Content-Length: 22\r\n\r\n%s", redirects[_i].location,
	    redirects[_i].head ? "" : "301 Moved Permanently\n");
	ck_assert_str_eq(got.buf, want);
	ck_assert_int_eq(d.verdict, VERDICT_ALLOW);
	free(got.buf);
}
END_TEST

/* What a refusal leaves in the decision, for the log line. */
static const struct {
	const char	*path;
	enum verdict	 verdict;
	enum why	 why;
} whys[] = {
	{ "/a.txt", VERDICT_ALLOW, WHY_GRANT_ALL },
	{ "/in.txt", VERDICT_NOTFOUND, WHY_SYMLINK },
	{ "/alias.txt", VERDICT_NOTFOUND, WHY_SYMLINK },
	{ "/out.txt", VERDICT_NOTFOUND, WHY_SYMLINK },
	{ "/loop", VERDICT_NOTFOUND, WHY_SYMLINK },
	{ "/insub", VERDICT_NOTFOUND, WHY_SYMLINK },
	{ "/insub/index.html", VERDICT_NOTFOUND, WHY_SYMLINK },
	{ "/outdir/index.html", VERDICT_NOTFOUND, WHY_SYMLINK },
	{ "/trap/", VERDICT_NOTFOUND, WHY_SYMLINK },
	{ "/.htpasswd", VERDICT_NOTFOUND, WHY_DOTFILE },
	{ "/.hidden/x.txt", VERDICT_NOTFOUND, WHY_DOTFILE },
	{ "/sub/.secret", VERDICT_NOTFOUND, WHY_DOTFILE },
	{ "/sub/.missing", VERDICT_NOTFOUND, WHY_DOTFILE },
	{ "/missing.txt", VERDICT_NOTFOUND, WHY_NO_FILE },
	{ "/a.txt/", VERDICT_NOTFOUND, WHY_NO_FILE },
	{ "/fifo", VERDICT_NOTFOUND, WHY_NO_FILE },
	{ "/empty/", VERDICT_NOTFOUND, WHY_NO_FILE },
	{ "/private/", VERDICT_FORBIDDEN, WHY_NO_GRANT },
};

START_TEST(test_file_why)
{
	struct request	 req;
	struct decision	 d;
	struct sink	 got;
	struct writer	 w;
	char		 root[PATH_MAX];

	memset(&req, 0, sizeof(req));
	memset(&d, 0, sizeof(d));
	d.verdict = VERDICT_ALLOW;
	d.why = WHY_GRANT_ALL;
	d.anonymous = 1;
	(void)snprintf(req.method, sizeof(req.method), "GET");
	(void)snprintf(req.path, sizeof(req.path), "%s", whys[_i].path);
	root_of(root, sizeof(root), R_PLAIN);
	sink_init(&got, &w, -1);
	(void)file_serve(&w, root, &req, &d, 0, &check);
	ck_assert_int_eq(d.verdict, whys[_i].verdict);
	ck_assert_str_eq(why_str[d.why], why_str[whys[_i].why]);
	free(got.buf);
}
END_TEST

static Suite *
file_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("file");
	tc = tcase_create("core");
	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_file_serve, 0, (int)nitems(rows));
	tcase_add_test(tc, test_file_noread);
	tcase_add_test(tc, test_file_toolong);
	tcase_add_loop_test(tc, test_file_write_fail, 0, (int)nitems(fails));
	tcase_add_loop_test(tc, test_file_index, 0, (int)nitems(indexes));
	tcase_add_loop_test(tc, test_file_redirect, 0, (int)nitems(redirects));
	tcase_add_loop_test(tc, test_file_why, 0, (int)nitems(whys));
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return run_suite(file_suite());
}
