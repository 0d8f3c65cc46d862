/*
 * dbdiag.c: why a database cannot be opened, in the words of
 * permissions.  SQLite says "unable to open database file" without
 * errno, or "attempt to write a readonly database" to a program that
 * opened the file read-only, when the real cause is a mode bit: a
 * directory that cannot be searched, a file that cannot be read, a
 * -wal or -shm that is missing in a directory this user cannot write,
 * or that exists but cannot be opened as SQLite needs it.  After a
 * failed open or first read, dbdiag() looks (stat(2), open(2),
 * access(2), as the calling user) and says what is missing and what
 * to do, naming the file, the access and strerror(3).
 *
 * The layout of README ("The database, its directory and its
 * permissions"): the directory root:www-data 2750, the database and
 * its -wal and -shm 0640 root:www-data kept by `portcullis`, the
 * state database and its -wal and -shm 0660.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "extern.h"

/* The name of group gid, or its number. */
static void
group_name(gid_t gid, char *buf, size_t bufsz)
{
	struct group	*gr;

	if ((gr = getgrgid(gid)) != NULL)
		(void)snprintf(buf, bufsz, "%s", gr->gr_name);
	else
		(void)snprintf(buf, bufsz, "%lu", (unsigned long)gid);
}

/*
 * Whether file can be opened with flags; if not, a message in buf:
 * "cannot open FILE for reading: strerror (run as a member of ...)".
 * Returns 1 (a problem said) or 0.
 */
static int
try_open(const char *file, int flags, char *buf, size_t bufsz)
{
	struct stat	 sb;
	char		 grp[64];
	int		 fd, e;

	if ((fd = open(file, flags | O_CLOEXEC | O_NOCTTY)) != -1) {
		(void)close(fd);
		return 0;
	}
	e = errno;
	if (e == EACCES && stat(file, &sb) == 0) {
		group_name(sb.st_gid, grp, sizeof(grp));
		(void)snprintf(buf, bufsz, "cannot open %s for %s: %s "
		    "(run as its owner or a member of its group %s, which "
		    "needs %s access; portcullis.fcgi(8), FILES)", file,
		    flags == O_RDONLY ? "reading" : "writing", strerror(e),
		    grp, flags == O_RDONLY ? "read" : "read and write");
	} else
		(void)snprintf(buf, bufsz, "cannot open %s for %s: %s", file,
		    flags == O_RDONLY ? "reading" : "writing", strerror(e));
	return 1;
}

/*
 * Diagnose why the SQLite database at path (a WAL database) cannot be
 * opened by this process, read-only (rw 0: the -shm must still be
 * writable, or creatable) or read-write (rw 1).  Returns 1 with a
 * message in buf (bufsz bytes), or 0 when nothing wrong was found
 * (the caller keeps SQLite's message).
 */
int
dbdiag(const char *path, int rw, char *buf, size_t bufsz)
{
	static const char *const sfx[] = { "-wal", "-shm" };
	struct stat	 sb;
	char		 dir[1024], side[1024];
	const char	*slash, *base;
	size_t		 i, n;

	errno = 0;
	if ((slash = strrchr(path, '/')) == NULL) {
		(void)snprintf(dir, sizeof(dir), ".");
		base = path;
	} else {
		n = slash == path ? 1 : (size_t)(slash - path);
		if (n >= sizeof(dir))
			return 0;
		memcpy(dir, path, n);
		dir[n] = '\0';
		base = slash + 1;
	}

	if (stat(dir, &sb) == -1 || !S_ISDIR(sb.st_mode)) {
		(void)snprintf(buf, bufsz, "directory %s: %s", dir,
		    strerror(errno == 0 ? ENOTDIR : errno));
		return 1;
	}
	if (access(dir, X_OK) == -1) {
		(void)snprintf(buf, bufsz, "cannot search directory %s: %s "
		    "(the server's user needs search access to the "
		    "directory: its group; portcullis.fcgi(8), FILES)",
		    dir, strerror(errno));
		return 1;
	}
	if (stat(path, &sb) == -1) {
		(void)snprintf(buf, bufsz, "%s: %s%s", path, strerror(errno),
		    errno == ENOENT ? " (make it with portcullis init)" : "");
		return 1;
	}
	if (try_open(path, rw ? O_RDWR : O_RDONLY, buf, bufsz))
		return 1;

	for (i = 0; i < nitems(sfx); i++) {
		if ((size_t)snprintf(side, sizeof(side), "%s%s", path,
		    sfx[i]) >= sizeof(side))
			return 0;
		if (stat(side, &sb) == 0) {
			/* A reader reads -wal; everyone writes -shm. */
			if (try_open(side, rw || i == 1 ? O_RDWR : O_RDONLY,
			    buf, bufsz))
				return 1;
			continue;
		}
		if (errno != ENOENT) {
			(void)snprintf(buf, bufsz, "%s: %s", side,
			    strerror(errno));
			return 1;
		}
		if (access(dir, W_OK) == -1) {
			(void)snprintf(buf, bufsz, "cannot create %s%s in %s: "
			    "%s (the server's user needs write access to the "
			    "directory, or run portcullis init to make it; "
			    "portcullis.fcgi(8), FILES)", base, sfx[i], dir,
			    strerror(errno));
			return 1;
		}
	}
	return 0;
}
