/*
 * main.c: portcullis.fcgi, the CGI/FastCGI program.
 *
 * One binary, three ways to run:
 *  - plain CGI: fd 0 is not a listening socket (FCGX_IsCGI()); one
 *    request from the environment, the answer on stdout;
 *  - FastCGI on fd 0, as spawned by lighttpd (bin-path), mod_fcgid,
 *    spawn-fcgi or a systemd socket with StandardInput=socket;
 *  - FastCGI on a socket it opens itself: -s 127.0.0.1:PORT or
 *    -s /path.sock (created mode 0660, refused while another process
 *    listens there, removed at a clean exit: listen.c), with -p a
 *    pidfile.
 * With -n N (the default with -s: "auto", the CPUs) the FastCGI
 * process is a supervisor (prefork.c) of N workers accepting on the
 * same socket; each opens the database on its first request.
 * The only includer of fcgiapp.h: parameters are copied out of libfcgi
 * by req_parse() before anything else looks at them.  stdin is read
 * only to discard it after a responder's answer (fcgx_end()), never
 * in the authorizer role (Apache sends none: the read would hang).
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/stat.h>

#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <fastcgi.h>
#include <fcgiapp.h>

#include "extern.h"

/* Where log lines go (-l). */
enum logto {
	LOG_TO_DEFAULT,		/* FCGI_STDERR under FastCGI, else stderr */
	LOG_TO_STDERR,		/* the process's own stderr */
	LOG_TO_SYSLOG,		/* syslog(3), LOG_AUTHPRIV */
};

/* What every request needs, set up once. */
struct conf {
	const char	*db;		/* -d or PORTCULLIS_DB */
	const char	*state;		/* -S or PORTCULLIS_STATE */
	const char	*root;		/* -r or PORTCULLIS_ROOT */
	enum logto	 logto;
	struct store	*store;		/* decide_request()'s, NULL
					   until the first request */
};

/* The socket (-s) and pidfile (-p) to remove at exit (atexit()). */
static struct listener	 lst = { .fd = -1 };
static struct pidfile	 pidf = { .fd = -1 };

static void
remove_files(void)
{
	lst_close(&lst);
	pf_close(&pidf);
}

/*
 * The synopsis: to stderr with exit status 2 after a bad option, to
 * stdout with 0 for --help (f == stdout).
 */
static void __attribute__((noreturn))
usage(FILE *f)
{
	fprintf(f, "usage: portcullis.fcgi [-d database] "
	    "[-l fcgi | stderr | syslog] [-n workers | auto] [-p pidfile] "
	    "[-r root] [-S state] [-s address]\n"
	    "       portcullis.fcgi --help | --version\n");
	exit(f == stdout ? 0 : 2);
}

static int
fd_write(void *arg, const void *buf, size_t sz)
{
	FILE	*f = arg;

	return fwrite(buf, 1, sz, f) == sz ? 0 : -1;
}

static int
fcgx_write(void *arg, const void *buf, size_t sz)
{
	FCGX_Stream	*s = arg;

	if (sz > INT32_MAX)
		return -1;
	return FCGX_PutStr(buf, (int)sz, s) == (int)sz ? 0 : -1;
}

/*
 * One log line ("portcullis: ...\n") to syslog, without the prefix
 * and the newline syslog adds itself: errors at LOG_ERR, refusals at
 * LOG_NOTICE (what fail2ban counts: README, "Decision semantics",
 * "Logging"; portcullis.fcgi(8), LOGGING), allowed
 * requests (PORTCULLIS_LOG_ALLOWED) at LOG_INFO.
 */
static int
syslog_write(void *arg, const void *buf, size_t sz)
{
	const char	*p = buf;
	int		 n;

	if (sz > 12 && strncmp(p, "portcullis: ", 12) == 0) {
		p += 12;
		sz -= 12;
	}
	if (sz > 0 && p[sz - 1] == '\n')
		sz--;
	n = sz > INT32_MAX ? INT32_MAX : (int)sz;
	syslog(strncmp(p, "error:", 6) == 0 ? LOG_ERR :
	    strncmp(p, "allowed:", 8) == 0 ? LOG_INFO : LOG_NOTICE, "%.*s",
	    n, p);
	return 0;
}

/* The log writer for -l, or NULL for the default (the caller's). */
static int
log_writer(const struct conf *c, struct writer *w)
{
	switch (c->logto) {
	case LOG_TO_STDERR:
		w->write = fd_write;
		w->arg = stderr;
		return 1;
	case LOG_TO_SYSLOG:
		w->write = syslog_write;
		w->arg = NULL;
		return 1;
	default:
		return 0;
	}
}

static const char *
env_get(void *arg, const char *name)
{
	return getenv(name);
}

static const char *
fcgx_get(void *arg, const char *name)
{
	FCGX_Request	*r = arg;

	return FCGX_GetParam(name, r->envp);
}

/* file_serve()'s second decision, for a name it would serve. */
struct recheck {
	struct store		*store;
	const struct request	*req;
};

static void
recheck(void *arg, const char *path, struct decision *d)
{
	struct recheck	*rc = arg;

	decide_path(rc->store, rc->req, path, d);
}

/*
 * Responder mode, after an allow: the file is the answer, and a
 * directory's index.html is decided again for that name.  A refusal
 * (no document root, no such file, a symbolic link, a dotfile, the
 * index denied) leaves d as answered, for the log.
 */
static void
serve_file(struct conf *c, struct writer *out, const struct request *req,
    struct decision *d, int head)
{
	struct recheck		 rc;
	struct file_check	 check;

	if (c->root == NULL) {
		d->verdict = VERDICT_ERROR;
		d->why = WHY_NO_FILE;
		snprintf(d->detail, sizeof(d->detail), "no document root "
		    "(PORTCULLIS_ROOT or -r)");
		(void)resp_denial(out, d, head);
		return;
	}
	rc.store = c->store;
	rc.req = req;
	check.fn = recheck;
	check.arg = &rc;
	(void)file_serve(out, c->root, req, d, head, &check);
}

/* Microseconds from a to b (CLOCK_MONOTONIC), 0 if b is not later. */
static uint64_t
elapsed_us(const struct timespec *a, const struct timespec *b)
{
	int64_t	 us;

	us = (int64_t)(b->tv_sec - a->tv_sec) * 1000000 +
	    (b->tv_nsec - a->tv_nsec) / 1000;
	return us > 0 ? (uint64_t)us : 0;
}

/*
 * Answer one request: parse and decide (decide_request(), which keeps
 * c->store open on the current database file), respond, log, wipe.
 * get/arg read the CGI variables; out gets the response, log the log
 * line.
 */
static void
serve(struct conf *c, req_getter get, void *arg, struct writer *out,
    struct writer *log)
{
	struct request	 req;
	struct decision	 d;
	struct timespec	 t0, t1;
	int		 head, self;

	(void)clock_gettime(CLOCK_MONOTONIC, &t0);
	(void)decide_request(&req, get, arg, c->db, &c->store, &d);
	head = strcmp(req.method, "HEAD") == 0;
	self = d.mode == MODE_HEALTH || d.mode == MODE_METRICS;
	if (!self && metrics_on()) {
		(void)clock_gettime(CLOCK_MONOTONIC, &t1);
		metrics_decision(&d, elapsed_us(&t0, &t1));
	}
	if (d.verdict != VERDICT_ALLOW)
		(void)resp_denial(out, &d, head);
	else if (self)
		(void)resp_self(out, &d, head);
	else if (d.mode != MODE_RESPONDER)
		(void)resp_allowed(out, &d, head);
	else
		serve_file(c, out, &req, &d, head);
	log_decision(log, &req, &d);
	req_wipe(&req);
}

static void
serve_cgi(struct conf *c)
{
	struct writer	 out = { fd_write, stdout };
	struct writer	 log = { fd_write, stderr };

	(void)log_writer(c, &log);
	serve(c, env_get, NULL, &out, &log);
	fflush(stdout);
}

/*
 * End the request, closing the connection without libfcgi's lingering
 * close when that is safe.  FCGX_Finish_r() flushes FCGI_STDERR,
 * FCGI_STDOUT and FCGI_END_REQUEST, then (libfcgi 2.4.2 to 2.4.7,
 * FCGX_Free() -> OS_IpcClose() -> OS_Close(fd, 1)) shuts down its
 * sending side and reads until the web server has closed, up to 2 s a
 * read: the process accepts nothing meanwhile.  The wait lets the
 * server send what it still has: closing earlier makes its next write
 * fail (EPIPE, or a TCP RST), and it answers 502, not our answer.
 * Caddy, for one, writes the empty FCGI_STDIN record after the
 * parameters, in a write of its own.  So the wait is skipped only
 * when the server is known to have sent everything:
 *  - the connection is not kept (FCGI_KEEP_CONN: libfcgi closes
 *    nothing, and the bytes that follow are the next request);
 *  - the answer was flushed without an error;
 *  - the responder role, whose FCGI_STDIN always ends with an empty
 *    record (FastCGI §6.2), and that end has been read: the rest of
 *    the stream is read and discarded here, up to FCGX_DISCARD_MAX
 *    bytes of a body (nginx's auth_request and Caddy's forward_auth
 *    send none).  In the authorizer role Apache sends no FCGI_STDIN
 *    at all: reading would hang, so libfcgi closes those.
 * Then: FIN at once, read without waiting anything else that arrived,
 * and let FCGX_Finish_r() close(2) plainly (FCGX_Detach(): OS_Close(fd,
 * 0)).  ipcFd and keepConnection are "below here" in FCGX_Request, and
 * read only here.
 */
#define FCGX_DISCARD_MAX	65536

static void
fcgx_end(FCGX_Request *r)
{
	char		 buf[512];
	ssize_t		 n;
	size_t		 got = 0;
	int		 m, fd = r->ipcFd;

	if (r->keepConnection || fd <= 0 || r->role != FCGI_RESPONDER ||
	    FCGX_FClose(r->err) != 0 || FCGX_FClose(r->out) != 0) {
		FCGX_Finish_r(r);
		return;
	}
	while (got <= FCGX_DISCARD_MAX &&
	    (m = FCGX_GetStr(buf, sizeof(buf), r->in)) > 0)
		got += (size_t)m;
	if (got > FCGX_DISCARD_MAX || FCGX_GetError(r->in) != 0 ||
	    FCGX_HasSeenEOF(r->in) != EOF || shutdown(fd, SHUT_WR) == -1) {
		FCGX_Finish_r(r);
		return;
	}
	while ((n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0)
		continue;
	if (n == 0 || (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK)))
		(void)FCGX_Detach(r);
	FCGX_Finish_r(r);
}

/*
 * The FastCGI loop on fd (0, or a socket we opened).  libfcgi turns
 * SIGTERM into a failed accept once the request in flight is done.
 */
static void
serve_fcgi(struct conf *c, int fd)
{
	FCGX_Request	 r;
	struct writer	 out, log;

	if (FCGX_InitRequest(&r, fd, 0) != 0)
		errx(1, "FCGX_InitRequest failed");
	credcache_enable(1);		/* a process that serves many */
	while (FCGX_Accept_r(&r) >= 0) {
		out.write = fcgx_write;
		out.arg = r.out;
		if (!log_writer(c, &log)) {
			log.write = fcgx_write;
			log.arg = r.err;
		}
		serve(c, fcgx_get, &r, &out, &log);
		fcgx_end(&r);
	}
	FCGX_Free(&r, 1);
	credcache_wipe();
}

/*
 * A single process (no supervisor) stops on SIGINT as on SIGTERM:
 * after the request in flight, through the handler libfcgi installed
 * for SIGTERM (FCGX_Init(): it makes the accept fail), so that main()
 * returns and the socket and pidfile are removed.  Also when SIGINT
 * was inherited ignored (a shell's "... &"), as nginx does: a server
 * is stopped by either.  Left alone if SIGTERM is not libfcgi's.
 */
static void
stop_on_sigint(void)
{
	struct sigaction	 term;

	if (sigaction(SIGTERM, NULL, &term) == -1 ||
	    term.sa_handler == SIG_DFL || term.sa_handler == SIG_IGN)
		return;
	(void)sigaction(SIGINT, &term, NULL);
}

/*
 * Whether this process is one CGI request: the server sets
 * GATEWAY_INTERFACE (RFC 3875 §4.1.4) and REQUEST_METHOD in the
 * environment of a CGI program, and never in that of a FastCGI
 * process it spawns.
 */
static int
cgi_request(void)
{
	const char	*v;

	return ((v = getenv("GATEWAY_INTERFACE")) != NULL && *v != '\0') ||
	    ((v = getenv("REQUEST_METHOD")) != NULL && *v != '\0');
}

/* Whether fd is a TCP socket (IPv4 or IPv6). */
static int
tcp_socket(int fd)
{
	struct sockaddr_storage	 ss;
	socklen_t		 len = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &len) == -1)
		return 0;
	return ss.ss_family == AF_INET || ss.ss_family == AF_INET6;
}

int
main(int argc, char *argv[])
{
	struct conf	 c;
	char		 statepath[PATH_MAX];
	const char	*logenv;
	struct writer	 slog;
	static const struct option longopts[] = {
		{ "help",	no_argument,	NULL,	'h' },
		{ "version",	no_argument,	NULL,	'V' },
		{ NULL,		0,		NULL,	0 }
	};
	char		 msg[PATH_MAX + 256];
	const char	*sock = NULL, *nopt = NULL, *nenv, *pfile = NULL;
	size_t		 nworkers = 0;
	int		 ch, fd = 0, logset = 0;

	memset(&c, 0, sizeof(c));
	c.db = getenv("PORTCULLIS_DB");
	c.state = getenv("PORTCULLIS_STATE");
	c.root = getenv("PORTCULLIS_ROOT");
	/* A line per allowed request too (log.c), with cache=hit|miss. */
	if ((logenv = getenv("PORTCULLIS_LOG_ALLOWED")) != NULL &&
	    strcmp(logenv, "1") == 0)
		log_allowed(1);

	/*
	 * As a CGI program the arguments are the client's: Apache's
	 * mod_cgi makes a query without '=' into argv (RFC 3875 §4.4:
	 * "GET /etc/passwd?-r+/" gave "-r /"), lighttpd passes the
	 * script.  Options come only from the administrator, through
	 * the environment the server's configuration sets: argv is
	 * never read.
	 */
	if (cgi_request()) {
		if (argc > 1)
			fprintf(stderr, "portcullis: CGI request: %d "
			    "command-line argument%s ignored (options come "
			    "from PORTCULLIS_DB, PORTCULLIS_STATE and "
			    "PORTCULLIS_ROOT)\n",
			    argc - 1, argc == 2 ? "" : "s");
		argc = 1;
	}
	/* --help and --version only: -h and -V are not options. */
	while ((ch = getopt_long(argc, argv, "+d:l:n:p:r:S:s:", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'h':
			usage(stdout);
		case 'V':
			printf("portcullis.fcgi %s\n", PACKAGE_VERSION);
			return 0;
		case 'd':
			c.db = optarg;
			break;
		case 'l':
			logset = 1;
			if (strcmp(optarg, "fcgi") == 0)
				c.logto = LOG_TO_DEFAULT;
			else if (strcmp(optarg, "stderr") == 0)
				c.logto = LOG_TO_STDERR;
			else if (strcmp(optarg, "syslog") == 0)
				c.logto = LOG_TO_SYSLOG;
			else
				usage(stderr);
			break;
		case 'n':
			nopt = optarg;
			if ((nworkers = prefork_count(nopt)) == 0)
				usage(stderr);
			break;
		case 'p':
			pfile = optarg;
			break;
		case 'r':
			c.root = optarg;
			break;
		case 'S':
			c.state = optarg;
			break;
		case 's':
			sock = optarg;
			break;
		default:
			usage(stderr);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc > 0)
		usage(stderr);

	if (c.root != NULL && *c.root == '\0')
		c.root = NULL;
	/* Lockout's state database: opened by each worker on first use. */
	if (state_path(statepath, sizeof(statepath), c.db, c.state) == 0 &&
	    lockout_init(statepath, 1) == -1)
		errx(1, "%s: path too long", statepath);
	if (c.logto == LOG_TO_SYSLOG)
		openlog("portcullis", LOG_PID | LOG_NDELAY, LOG_AUTHPRIV);
	if (pw_init() == -1)
		errx(1, "cannot initialise the password library");
	if (FCGX_Init() != 0)
		errx(1, "FCGX_Init failed");

	if (atexit(remove_files) != 0)
		errx(1, "atexit failed");
	if (pfile != NULL && pf_open(&pidf, pfile, msg, sizeof(msg)) == -1)
		errx(1, "%s", msg);
	if (sock != NULL) {
		if (lst_open(&lst, sock, msg, sizeof(msg)) == -1)
			errx(1, "%s", msg);
		fd = lst.fd;
	} else if (FCGX_IsCGI()) {
		/* PORTCULLIS_WORKERS may be the server's: ignored here. */
		if (nopt != NULL)
			errx(1, "-n %s: no listening socket to share (fd 0 "
			    "is not one; give -s)", nopt);
		if (pfile != NULL)
			errx(1, "-p %s: not a FastCGI process (fd 0 is not "
			    "a listening socket; give -s)", pfile);
		serve_cgi(&c);
		store_close(c.store);
		lockout_close();
		return 0;
	}
	/*
	 * On a TCP socket (-s host:port, spawn-fcgi -p, a systemd
	 * ListenStream=host:port) any local process may ask, with any
	 * REMOTE_ADDR, and would read the failure lines it caused on
	 * FCGI_STDERR: guesses unlogged.  Log to syslog unless -l says.
	 */
	if (!logset && tcp_socket(fd)) {
		c.logto = LOG_TO_SYSLOG;
		openlog("portcullis", LOG_PID | LOG_NDELAY, LOG_AUTHPRIV);
	}

	/*
	 * Workers: -n, else PORTCULLIS_WORKERS (systemd's Environment=),
	 * else "auto" on our own socket, and one process on a socket
	 * handed on fd 0: lighttpd (bin-path), mod_fcgid and spawn-fcgi
	 * hand it so too, and they manage the processes themselves.
	 */
	if (nworkers == 0 && (nenv = getenv("PORTCULLIS_WORKERS")) != NULL &&
	    (nworkers = prefork_count(nenv)) == 0)
		errx(1, "PORTCULLIS_WORKERS=%s: not 1 to %d or auto", nenv,
		    PREFORK_MAX);
	if (nworkers == 0)
		nworkers = sock != NULL ? prefork_auto() : 1;
	/* Counters every worker adds to (PORTCULLIS_MODE=metrics). */
	if (metrics_init() == -1)
		warn("metrics: cannot map the shared counters");
	/* The supervisor's PID (or the single process's), socket bound. */
	if (pfile != NULL && pf_write(&pidf, getpid(), msg, sizeof(msg)) == -1)
		errx(1, "%s", msg);
	if (nworkers == 1)
		stop_on_sigint();
	if (nworkers > 1) {
		if (!log_writer(&c, &slog)) {
			slog.write = fd_write;
			slog.arg = stderr;
		}
		switch (prefork(nworkers, &slog)) {
		case PREFORK_WORKER:
			/* The lock stays with the supervisor's descriptor. */
			if (pidf.fd != -1) {
				(void)close(pidf.fd);
				pidf.fd = -1;
			}
			stop_on_sigint();	/* ^C: finish, then exit */
			break;
		case PREFORK_DONE:
			return 0;
		default:
			err(1, "cannot start %zu workers", nworkers);
		}
	}
	serve_fcgi(&c, fd);
	store_close(c.store);
	lockout_close();
	return 0;
}
