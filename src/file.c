/*
 * Portcullis: serving a file once a decision allowed GET or HEAD in
 * responder mode.  The file must stay under the document root after
 * every symbolic link is resolved; directories serve their index.html
 * and are never listed.  Conditional GET follows RFC 9110 §13.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "extern.h"

#define FILE_CHUNK	(64 * 1024)	/* read/write block */
#define HTTPDATE_LEN	29		/* "Sun, 06 Nov 1994 08:49:37 GMT" */
#define ETAG_MAX	64		/* quoted "size-sec-nsec" in hex */

static const struct {
	const char	*ext;
	const char	*type;
} mimes[] = {
	{ "html",	"text/html; charset=utf-8" },
	{ "htm",	"text/html; charset=utf-8" },
	{ "css",	"text/css; charset=utf-8" },
	{ "js",		"text/javascript; charset=utf-8" },
	{ "json",	"application/json" },
	{ "txt",	"text/plain; charset=utf-8" },
	{ "xml",	"application/xml" },
	{ "svg",	"image/svg+xml" },
	{ "png",	"image/png" },
	{ "jpg",	"image/jpeg" },
	{ "jpeg",	"image/jpeg" },
	{ "gif",	"image/gif" },
	{ "webp",	"image/webp" },
	{ "ico",	"image/x-icon" },
	{ "pdf",	"application/pdf" },
	{ "wasm",	"application/wasm" },
	{ "woff2",	"font/woff2" },
};

/* RFC 9110 §5.6.7: day-name and month names, not the locale's. */
static const char *const days[7] = {
	"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"
};
static const char *const months[12] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	"Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
};

/*
 * The media type for the last segment of name, by extension (the
 * bytes after its last '.', case-insensitive; a leading dot does not
 * start an extension).  Unknown: application/octet-stream.
 */
static const char *
file_type(const char *name)
{
	const char	*base, *dot;
	size_t		 i;

	base = (base = strrchr(name, '/')) == NULL ? name : base + 1;
	if ((dot = strrchr(base, '.')) == NULL || dot == base)
		return "application/octet-stream";
	for (i = 0; i < nitems(mimes); i++)
		if (strcasecmp(dot + 1, mimes[i].ext) == 0)
			return mimes[i].type;
	return "application/octet-stream";
}

/*
 * Format t as an IMF-fixdate (RFC 9110 §5.6.7) into buf, which holds
 * at least HTTPDATE_LEN + 1 bytes.  Returns 0, or -1 if t has no
 * four-digit Gregorian year.
 */
static int
httpdate_fmt(char *buf, size_t bufsz, time_t t)
{
	struct tm	 tm;
	int		 n;

	if (gmtime_r(&t, &tm) == NULL ||
	    tm.tm_year < -1900 || tm.tm_year > 9999 - 1900 ||
	    tm.tm_wday < 0 || tm.tm_wday > 6 ||
	    tm.tm_mon < 0 || tm.tm_mon > 11)
		return -1;
	n = snprintf(buf, bufsz, "%s, %02d %s %04d %02d:%02d:%02d GMT",
	    days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon],
	    tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
	return n == HTTPDATE_LEN ? 0 : -1;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (m 1..12). */
static int64_t
days_from_civil(int64_t y, int m, int d)
{
	int64_t		 era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* Parse exactly n decimal digits at s.  Returns the value or -1. */
static int
digits(const char *s, size_t n)
{
	int	 v = 0;
	size_t	 i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/*
 * Parse an IMF-fixdate (RFC 9110 §5.6.7) strictly: exact layout,
 * "GMT", a real calendar date whose day-name agrees, second <= 60.
 * The obsolete RFC 850 and asctime forms are not accepted (XXX: §5.6.7
 * says recipients MUST; clients send what we sent in Last-Modified).
 * Returns 0 and sets *t, or -1 if s is not such a date.
 */
static int
httpdate_parse(const char *s, int64_t *t)
{
	static const int mdays[12] = {
		31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};
	int		 wday, day, mon, year, hh, mm, ss, leap;
	int64_t		 dn;

	if (strlen(s) != HTTPDATE_LEN || s[3] != ',' || s[4] != ' ' ||
	    s[7] != ' ' || s[11] != ' ' || s[16] != ' ' || s[19] != ':' ||
	    s[22] != ':' || strcmp(s + 25, " GMT") != 0)
		return -1;
	for (wday = 0; wday < 7; wday++)
		if (strncmp(s, days[wday], 3) == 0)
			break;
	for (mon = 0; mon < 12; mon++)
		if (strncmp(s + 8, months[mon], 3) == 0)
			break;
	day = digits(s + 5, 2);
	year = digits(s + 12, 4);
	hh = digits(s + 17, 2);
	mm = digits(s + 20, 2);
	ss = digits(s + 23, 2);
	if (wday == 7 || mon == 12 || day < 1 || year < 0 ||
	    hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 || ss > 60)
		return -1;
	leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
	if (day > mdays[mon] || (mon == 1 && day == 29 && !leap))
		return -1;
	dn = days_from_civil(year, mon + 1, day);
	if (((dn % 7) + 11) % 7 != wday)	/* 1970-01-01 was a Thursday */
		return -1;
	*t = dn * 86400 + hh * 3600 + mm * 60 + ss;
	return 0;
}

/*
 * Whether If-None-Match value inm matches etag, a strong entity-tag
 * with its quotes (RFC 9110 §13.1.2): "*" matches any current
 * representation; otherwise a comma list (§5.6.1, empty elements
 * allowed) of entity-tags compared weakly (§8.8.3.2: "W/" ignored).
 * A malformed value matches nothing.
 */
static int
inm_match(const char *inm, const char *etag)
{
	const char	*p = inm, *q;
	size_t		 etagsz = strlen(etag);
	int		 match = 0;

	p += strspn(p, " \t");
	if (*p == '*')
		return p[1 + strspn(p + 1, " \t")] == '\0';
	for (;;) {
		p += strspn(p, " \t,");
		if (*p == '\0')
			return match;
		if (p[0] == 'W' && p[1] == '/')
			p += 2;
		if (*p != '"')
			return 0;
		/* etagc = %x21 / %x23-7E / obs-text */
		for (q = p + 1; *q != '"'; q++)
			if ((unsigned char)*q <= 0x20 || *q == 0x7f)
				return 0;
		if ((size_t)(q + 1 - p) == etagsz &&
		    memcmp(p, etag, etagsz) == 0)
			match = 1;
		p = q + 1;
		p += strspn(p, " \t");
		if (*p != ',' && *p != '\0')
			return 0;
	}
}

/*
 * Whether the request's preconditions say "not modified", in the
 * order of RFC 9110 §13.2.2 for GET and HEAD: If-None-Match (step 3)
 * when present and not empty, otherwise If-Modified-Since (step 4,
 * §13.1.3: false when mtime <= the date; an invalid date is ignored).
 */
static int
not_modified(const struct request *req, const char *etag,
    const struct stat *st, int havedate)
{
	int64_t		 ims;

	if (req->inm != NULL && req->inm[strspn(req->inm, " \t")] != '\0')
		return inm_match(req->inm, etag);
	if (!havedate || req->ims == NULL ||
	    httpdate_parse(req->ims, &ims) == -1)
		return 0;
	return (int64_t)st->st_mtim.tv_sec <= ims;
}

/*
 * Answer 404 or 500 as resp_denial() would for d with that verdict.
 * Returns the status, or -1 if writing failed.
 */
static int
file_deny(struct writer *w, const struct decision *d, enum verdict v,
    int head)
{
	struct decision	 nd;

	nd = *d;
	nd.verdict = v;
	if (resp_denial(w, &nd, head) == -1)
		return -1;
	return verdict_status[v];
}

/* The verdict for a failed realpath() or open(): 404 or 500. */
static enum verdict
errno_verdict(int e)
{
	switch (e) {
	case ENOENT:
	case ENOTDIR:
	case ELOOP:
	case ENAMETOOLONG:
		return VERDICT_NOTFOUND;
	default:
		return VERDICT_ERROR;
	}
}

/*
 * Resolve path (PATH_MAX bytes) in place and open it if it lies
 * within rroot, the resolved root, or is rroot itself.  The open is
 * non-blocking so that a FIFO cannot hang the process; it does not
 * change reads from regular files.
 * Returns the descriptor, or -1 with *v set to 404 or 500.
 */
static int
open_within(char *path, const char *rroot, enum verdict *v)
{
	char	 res[PATH_MAX];
	size_t	 rootsz = strlen(rroot);
	int	 fd;

	if (realpath(path, res) == NULL) {
		*v = errno_verdict(errno);
		return -1;
	}
	if (strcmp(rroot, "/") != 0 && strcmp(res, rroot) != 0 &&
	    (strncmp(res, rroot, rootsz) != 0 || res[rootsz] != '/')) {
		*v = VERDICT_NOTFOUND;
		return -1;
	}
	/* res came from realpath() and fits. */
	memcpy(path, res, strlen(res) + 1);
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd == -1)
		*v = errno_verdict(errno);
	return fd;
}

/*
 * Write the 200 or 304 headers: the validators (RFC 9110 §8.8), and
 * for a representation that needed credentials "Vary: Authorization"
 * and "Cache-Control: private" so shared caches do not hand it to
 * others (RFC 9111 §5.2.2.7).  type is NULL for 304 (§15.4.5: no
 * Content-Type or Content-Length).  Returns 0 or -1.
 */
static int
file_headers(struct writer *w, const struct decision *d,
    const struct stat *st, const char *type, const char *date,
    const char *etag)
{
	if (type == NULL) {
		if (wr_puts(w, "Status: 304 Not Modified\r\n") == -1)
			return -1;
	} else if (wr_printf(w, "Status: 200 OK\r\nContent-Type: %s\r\n"
	    "Content-Length: %jd\r\n", type, (intmax_t)st->st_size) == -1)
		return -1;
	if (*date != '\0' &&
	    wr_printf(w, "Last-Modified: %s\r\n", date) == -1)
		return -1;
	if (wr_printf(w, "ETag: %s\r\n", etag) == -1)
		return -1;
	if (d->anonymous == 0 && wr_puts(w, "Vary: Authorization\r\n"
	    "Cache-Control: private\r\n") == -1)
		return -1;
	return wr_puts(w, "\r\n");
}

/*
 * Copy exactly size bytes of fd to w in FILE_CHUNK blocks.  A file
 * that shrank under us cannot honour the Content-Length sent: -1.
 * Returns 0 or -1.
 */
static int
file_body(struct writer *w, int fd, off_t size)
{
	char	 buf[FILE_CHUNK];
	off_t	 left = size;
	ssize_t	 n;
	size_t	 want;

	while (left > 0) {
		want = left < (off_t)sizeof(buf) ? (size_t)left : sizeof(buf);
		if ((n = read(fd, buf, want)) == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		if (w->write(w->arg, buf, (size_t)n) == -1)
			return -1;
		left -= n;
	}
	return 0;
}

/*
 * Serve root + req->path for an allowed GET or HEAD (head != 0: no
 * body).  req->path is canonical; root need not be.  The resolved
 * file must be root or under it (symbolic links included), else 404;
 * so must a directory's index.html.  Missing or non-regular files get
 * 404, other failures 500, both through resp_denial().  The media type
 * comes from the requested name (or "index.html"), not a link target.
 * XXX: a component swapped for a symlink between realpath() and
 * open() is not caught; O_NOFOLLOW guards the last one only.
 * Returns the status written (200, 304, 404, 500), or -1 if writing
 * failed (possibly after the headers: the response is then broken).
 */
int
file_serve(struct writer *w, const char *root, const struct request *req,
    const struct decision *d, int head)
{
	char		 rroot[PATH_MAX], path[PATH_MAX], name[PATH_MAX];
	char		 date[HTTPDATE_LEN + 1], etag[ETAG_MAX];
	struct stat	 st;
	enum verdict	 v = VERDICT_ERROR;
	int		 fd = -1, ret, n;

	if (req->path[0] != '/' || realpath(root, rroot) == NULL)
		return file_deny(w, d, VERDICT_ERROR, head);

	n = snprintf(name, sizeof(name), "%s%s", rroot, req->path);
	if (n < 0 || (size_t)n >= sizeof(name))
		return file_deny(w, d, VERDICT_NOTFOUND, head);
	memcpy(path, name, (size_t)n + 1);
	if ((fd = open_within(path, rroot, &v)) == -1)
		goto deny;
	if (fstat(fd, &st) == -1)
		goto deny;

	if (S_ISDIR(st.st_mode)) {
		/* RFC 9110 §15.4.2 would redirect "/dir" to "/dir/": no. */
		close(fd);
		fd = -1;
		n = snprintf(path, sizeof(path), "%s/index.html", name);
		if (n < 0 || (size_t)n >= sizeof(path)) {
			v = VERDICT_NOTFOUND;
			goto deny;
		}
		memcpy(name, path, (size_t)n + 1);
		if ((fd = open_within(path, rroot, &v)) == -1)
			goto deny;
		if (fstat(fd, &st) == -1)
			goto deny;
	}
	if (!S_ISREG(st.st_mode)) {
		v = VERDICT_NOTFOUND;
		goto deny;
	}

	/* Strong validator (RFC 9110 §8.8.3): size, mtime to the ns. */
	(void)snprintf(etag, sizeof(etag), "\"%jx-%jx-%lx\"",
	    (uintmax_t)st.st_size, (uintmax_t)st.st_mtim.tv_sec,
	    (unsigned long)st.st_mtim.tv_nsec);
	if (httpdate_fmt(date, sizeof(date), st.st_mtim.tv_sec) == -1)
		date[0] = '\0';

	if (not_modified(req, etag, &st, date[0] != '\0')) {
		ret = file_headers(w, d, &st, NULL, date, etag) == -1 ?
		    -1 : 304;
	} else if (file_headers(w, d, &st, file_type(name), date,
	    etag) == -1 || (!head && file_body(w, fd, st.st_size) == -1))
		ret = -1;
	else
		ret = 200;
	close(fd);
	return ret;
deny:
	if (fd != -1)
		close(fd);
	return file_deny(w, d, v, head);
}
