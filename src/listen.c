/*
 * listen.c: portcullis.fcgi's own listening socket (-s) and pidfile
 * (-p).
 *
 * A Unix socket path is never taken from a running process: libfcgi's
 * FCGX_OpenSocket() unlinks whatever is at the path (a live socket, a
 * regular file) and binds, so a second instance silently replaced the
 * first one's socket, and the first went unreachable for good once the
 * second exited.  Here, before binding:
 *  - nothing at the path: bind;
 *  - a socket that accepts a connect(2): another process is listening,
 *    refuse;
 *  - a socket that refuses it (ECONNREFUSED: nobody listens, the file
 *    outlived its process): stale, unlink it and bind;
 *  - anything else (a regular file, a directory, a connect(2) that
 *    fails otherwise): refuse, and leave it alone.
 * The socket is made mode 0660 (owner and group, e.g. the web
 * server's) and removed at a clean exit if it is still the file we
 * made (the same device and inode): a successor's socket is left.
 *
 * A TCP address ("host:port", "[v6]:port") must name its host; an
 * address in use fails in bind(2) and says so.
 *
 * The pidfile follows FreeBSD's pidfile(3): opened and locked with
 * flock(2) before the socket is bound, so a second instance with the
 * same pidfile is refused while the first holds the lock (a PID left
 * in the file by a killed process is no reason to refuse: the lock
 * went with the process); written (the supervisor's PID) once the
 * socket is bound, mode 0644; removed at a clean exit if it is still
 * our file.
 *
 * Every function returns 0 or -1 with a message in msg (msgsz bytes)
 * for main.c to print: nothing here exits.  Only the process that made
 * a file (lst_owner, pf_owner) removes it, never a forked worker.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "extern.h"

#define LISTEN_BACKLOG	64

static void
say(char *msg, size_t msgsz, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
say(char *msg, size_t msgsz, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	(void)vsnprintf(msg, msgsz, fmt, ap);
	va_end(ap);
}

/*
 * Whether the socket at path has a listener: 1 it accepted a
 * connection, 0 it refused (stale), -1 any other failure (errno).
 */
static int
unix_live(const struct sockaddr_un *sun)
{
	int	 fd, rc, saved;

	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	rc = connect(fd, (const struct sockaddr *)sun, sizeof(*sun));
	saved = errno;
	(void)close(fd);
	if (rc == 0)
		return 1;
	if (saved == ECONNREFUSED)
		return 0;
	errno = saved;
	return -1;
}

static int
listen_unix(struct listener *l, const char *path, char *msg, size_t msgsz)
{
	struct sockaddr_un	 sun;
	struct stat		 st;
	mode_t			 omask;
	int			 fd, rc;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		say(msg, msgsz, "%s: socket path longer than %zu bytes",
		    path, sizeof(sun.sun_path) - 1);
		return -1;
	}
	memcpy(sun.sun_path, path, strlen(path) + 1);

	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			say(msg, msgsz, "%s: exists and is not a socket "
			    "(left alone; remove it or choose another path)",
			    path);
			return -1;
		}
		switch (unix_live(&sun)) {
		case 1:
			say(msg, msgsz, "%s: another process is listening "
			    "on this socket (stop it first, or choose "
			    "another path)", path);
			return -1;
		case 0:
			if (unlink(path) == -1 && errno != ENOENT) {
				say(msg, msgsz, "%s: cannot remove the stale "
				    "socket: %s", path, strerror(errno));
				return -1;
			}
			break;
		default:
			say(msg, msgsz, "%s: cannot tell whether another "
			    "process is listening: %s", path,
			    strerror(errno));
			return -1;
		}
	} else if (errno != ENOENT) {
		say(msg, msgsz, "%s: %s", path, strerror(errno));
		return -1;
	}

	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1) {
		say(msg, msgsz, "socket: %s", strerror(errno));
		return -1;
	}
	omask = umask(0117);
	rc = bind(fd, (struct sockaddr *)&sun, sizeof(sun));
	(void)umask(omask);
	if (rc == -1) {
		say(msg, msgsz, "%s: cannot bind: %s%s", path,
		    strerror(errno), errno == EADDRINUSE ?
		    " (another process made it meanwhile)" : "");
		(void)close(fd);
		return -1;
	}
	if (chmod(path, 0660) == -1 || lstat(path, &st) == -1 ||
	    listen(fd, LISTEN_BACKLOG) == -1) {
		say(msg, msgsz, "%s: %s", path, strerror(errno));
		(void)unlink(path);
		(void)close(fd);
		return -1;
	}
	l->fd = fd;
	memcpy(l->path, path, strlen(path) + 1);
	l->dev = st.st_dev;
	l->ino = st.st_ino;
	return 0;
}

static int
listen_tcp(struct listener *l, const char *addr, char *msg, size_t msgsz)
{
	struct addrinfo		 hints, *res = NULL;
	char			 host[256];
	const char		*colon, *h = addr, *port;
	size_t			 hlen;
	int			 fd = -1, on = 1, e;

	if ((colon = strrchr(addr, ':')) == NULL || colon[1] == '\0') {
		say(msg, msgsz, "%s: not /path.sock or host:port", addr);
		return -1;
	}
	port = colon + 1;
	hlen = (size_t)(colon - addr);
	if (hlen >= 2 && addr[0] == '[' && addr[hlen - 1] == ']') {
		h = addr + 1;
		hlen -= 2;
	}
	if (hlen == 0 || (hlen == 1 && h[0] == '*')) {
		say(msg, msgsz, "%s: name the address to listen on, e.g. "
		    "127.0.0.1:%s", addr, port);
		return -1;
	}
	if (hlen >= sizeof(host)) {
		say(msg, msgsz, "%s: host name too long", addr);
		return -1;
	}
	memcpy(host, h, hlen);
	host[hlen] = '\0';

	/*
	 * IPv4 first, as libfcgi did ("localhost" is 127.0.0.1, as the
	 * server's configuration most likely says); "[v6]:port" for IPv6.
	 */
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = h != addr ? AF_INET6 : AF_INET;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	if ((e = getaddrinfo(host, port, &hints, &res)) != 0 &&
	    h == addr) {
		hints.ai_family = AF_UNSPEC;
		e = getaddrinfo(host, port, &hints, &res);
	}
	if (e != 0) {
		say(msg, msgsz, "%s: %s", addr, gai_strerror(e));
		return -1;
	}
	if ((fd = socket(res->ai_family, res->ai_socktype,
	    res->ai_protocol)) == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) == -1) {
		say(msg, msgsz, "%s: socket: %s", addr, strerror(errno));
		goto fail;
	}
	if (bind(fd, res->ai_addr, res->ai_addrlen) == -1) {
		say(msg, msgsz, "%s: cannot listen: %s%s", addr,
		    strerror(errno), errno == EADDRINUSE ?
		    " (another process is listening on this port)" : "");
		goto fail;
	}
	if (listen(fd, LISTEN_BACKLOG) == -1) {
		say(msg, msgsz, "%s: cannot listen: %s", addr,
		    strerror(errno));
		goto fail;
	}
	freeaddrinfo(res);
	l->fd = fd;
	return 0;
fail:
	if (fd != -1)
		(void)close(fd);
	freeaddrinfo(res);
	return -1;
}

/*
 * Listen on addr: a Unix socket path (it starts with '/') or
 * host:port.  Fills l (l->fd the listening socket); the calling
 * process becomes the one lst_close() removes the socket in.
 */
int
lst_open(struct listener *l, const char *addr, char *msg, size_t msgsz)
{
	memset(l, 0, sizeof(*l));
	l->fd = -1;
	l->owner = getpid();
	if (addr[0] == '/')
		return listen_unix(l, addr, msg, msgsz);
	return listen_tcp(l, addr, msg, msgsz);
}

/*
 * At a clean exit: remove the Unix socket if this is the process that
 * made it and the path still names the file it made.  Safe on a
 * listener never opened (zeroed) and in a worker (does nothing).
 */
void
lst_close(struct listener *l)
{
	struct stat	 st;

	if (l->path[0] == '\0' || l->owner != getpid())
		return;
	if (lstat(l->path, &st) == 0 && st.st_dev == l->dev &&
	    st.st_ino == l->ino)
		(void)unlink(l->path);
	l->path[0] = '\0';
}

/*
 * Open and lock the pidfile at path (created mode 0644), before the
 * socket is bound.  Refuses (-1) while another process holds its lock,
 * naming the PID written in it.
 */
int
pf_open(struct pidfile *pf, const char *path, char *msg, size_t msgsz)
{
	char	 buf[32];
	ssize_t	 n;
	int	 fd;

	memset(pf, 0, sizeof(*pf));
	pf->fd = -1;
	if (strlen(path) >= sizeof(pf->path)) {
		say(msg, msgsz, "%s: path too long", path);
		return -1;
	}
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
	    0644)) == -1) {
		say(msg, msgsz, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		if (errno == EWOULDBLOCK) {
			n = pread(fd, buf, sizeof(buf) - 1, 0);
			buf[n > 0 ? n : 0] = '\0';
			buf[strcspn(buf, "\n")] = '\0';
			say(msg, msgsz, "%s: locked by a running "
			    "portcullis.fcgi (PID %s)", path,
			    buf[0] != '\0' ? buf : "not yet written");
		} else
			say(msg, msgsz, "%s: flock: %s", path,
			    strerror(errno));
		(void)close(fd);
		return -1;
	}
	pf->fd = fd;
	pf->owner = getpid();
	memcpy(pf->path, path, strlen(path) + 1);
	return 0;
}

/* Write pid into the locked pidfile, mode 0644 whatever the umask. */
int
pf_write(struct pidfile *pf, pid_t pid, char *msg, size_t msgsz)
{
	char	 buf[32];
	int	 n;

	n = snprintf(buf, sizeof(buf), "%ld\n", (long)pid);
	if (ftruncate(pf->fd, 0) == -1 ||
	    pwrite(pf->fd, buf, (size_t)n, 0) != n ||
	    fchmod(pf->fd, 0644) == -1) {
		say(msg, msgsz, "%s: %s", pf->path, strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * At exit (clean, or a setup error after pf_open()): remove the
 * pidfile if this process made it and it is still the same file, then
 * let the lock go.  Safe on a zeroed pidfile and in a worker.
 */
void
pf_close(struct pidfile *pf)
{
	struct stat	 st, fst;

	if (pf->fd == -1 || pf->owner != getpid())
		return;
	if (fstat(pf->fd, &fst) == 0 && lstat(pf->path, &st) == 0 &&
	    st.st_dev == fst.st_dev && st.st_ino == fst.st_ino)
		(void)unlink(pf->path);
	(void)close(pf->fd);
	pf->fd = -1;
}
