/*
 * noop.c: the ceiling for bench/http.sh, a libfcgi authorizer that
 * decides nothing.  It answers "Status: 200" to every request, or,
 * with -a, only compares the SHA-256 of the Authorization header to
 * that of a fixed value (what a credential-cache hit costs at the
 * least): 200 if equal, 401 otherwise.  Its accept loop is
 * portcullis.fcgi's: FCGX_Accept_r, FCGX_PutStr, FCGX_Finish_r.
 *
 *   bench/noop [-a authorization] [-n workers] -s socket
 *
 * -s: a Unix socket path (or host:port) it opens itself; -n: worker
 * processes accepting on it (default 1), which the first process
 * supervises: SIGTERM or SIGINT to it stops them all.  Never built by
 * make check: make bench builds it.
 */
#include <err.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcgiapp.h>
#include <sodium.h>

#define WORKERS_MAX	64

static const char	 ok[] = "Status: 200\r\n\r\n";
static const char	 no[] = "Status: 401\r\n"
    "WWW-Authenticate: Basic realm=\"noop\"\r\n\r\n";

static void
usage(void)
{
	fprintf(stderr, "usage: noop [-a authorization] [-n workers] "
	    "-s socket\n");
	exit(1);
}

/*
 * Serve fd until the FastCGI library says stop.  want: the SHA-256
 * of the expected header, or NULL to allow everything.
 */
static void
serve(int fd, const unsigned char *want)
{
	FCGX_Request	 req;
	unsigned char	 got[crypto_hash_sha256_BYTES];
	const char	*a, *out;

	if (FCGX_InitRequest(&req, fd, 0) != 0)
		errx(1, "FCGX_InitRequest");
	while (FCGX_Accept_r(&req) >= 0) {
		out = ok;
		if (want != NULL) {
			a = FCGX_GetParam("HTTP_AUTHORIZATION", req.envp);
			if (a == NULL)
				a = "";
			crypto_hash_sha256(got, (const unsigned char *)a,
			    strlen(a));
			if (sodium_memcmp(got, want, sizeof(got)) != 0)
				out = no;
		}
		FCGX_PutStr(out, strlen(out), req.out);
		FCGX_Finish_r(&req);
	}
}

int
main(int argc, char *argv[])
{
	unsigned char	 want[crypto_hash_sha256_BYTES];
	const char	*authz = NULL, *sock = NULL;
	char		*end;
	long		 l;
	pid_t		 pids[WORKERS_MAX];
	sigset_t	 set;
	size_t		 i, n = 1;
	int		 ch, fd, sig;

	while ((ch = getopt(argc, argv, "a:n:s:")) != -1) {
		switch (ch) {
		case 'a':
			authz = optarg;
			break;
		case 'n':
			errno = 0;
			l = strtol(optarg, &end, 10);
			if (errno != 0 || *optarg == '\0' || *end != '\0' ||
			    l < 1 || l > WORKERS_MAX)
				errx(1, "-n %s: want 1-%d", optarg,
				    WORKERS_MAX);
			n = l;
			break;
		case 's':
			sock = optarg;
			break;
		default:
			usage();
		}
	}
	if (sock == NULL || optind != argc)
		usage();
	if (sodium_init() == -1)
		errx(1, "sodium_init");
	if (authz != NULL)
		crypto_hash_sha256(want, (const unsigned char *)authz,
		    strlen(authz));
	if (FCGX_Init() != 0)
		errx(1, "FCGX_Init");
	umask(0077);
	if ((fd = FCGX_OpenSocket(sock, 128)) == -1)
		errx(1, "%s: cannot listen", sock);

	/* One worker: no supervisor. */
	if (n == 1) {
		serve(fd, authz != NULL ? want : NULL);
		return 0;
	}
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	if (sigprocmask(SIG_BLOCK, &set, NULL) == -1)
		err(1, "sigprocmask");
	for (i = 0; i < n; i++) {
		if ((pids[i] = fork()) == -1)
			err(1, "fork");
		if (pids[i] == 0) {
			sigprocmask(SIG_UNBLOCK, &set, NULL);
			serve(fd, authz != NULL ? want : NULL);
			_exit(0);
		}
	}
	close(fd);
	if (sigwait(&set, &sig) != 0)
		err(1, "sigwait");
	for (i = 0; i < n; i++)
		kill(pids[i], SIGTERM);
	for (i = 0; i < n; i++)
		waitpid(pids[i], NULL, 0);
	unlink(sock);
	return 0;
}
