/*
 * prefork.c: the supervisor of portcullis.fcgi -n N.
 *
 * A static pool, as php-fpm's "pm = static" or spawn-fcgi -F, but
 * supervised: the calling process forks N workers that all accept on
 * the listening socket it already holds (the kernel hands each new
 * connection to one of them), and stays as their parent to
 *  - fork a new worker for one that died, at once if it had lived
 *    PREFORK_YOUNG_MS or more, else after a delay that doubles from
 *    PREFORK_BACKOFF_MS up to PREFORK_BACKOFF_MAX_MS (a worker that
 *    crashes at every start must not make the supervisor spin);
 *  - on SIGTERM or SIGINT, send SIGTERM to every worker, fork no
 *    more, and wait for all of them: libfcgi ends a worker's accept
 *    loop once the request in flight is answered.
 * It knows nothing of FastCGI (only main.c includes fcgiapp.h): the
 * worker's side of the fork returns PREFORK_WORKER to the caller,
 * which serves.  Nothing is opened here, so nothing is shared across
 * the fork but what the caller made before: the database, the
 * credential cache and the dummy hash are made by each worker on its
 * first request.
 *
 * The supervisor blocks SIGCHLD, SIGTERM and SIGINT and takes them
 * with sigtimedwait(2), SIGINT even if it was inherited ignored (a
 * shell's "... &"); a worker gets back the caller's signal mask
 * and dispositions (libfcgi's SIGTERM handler, installed by
 * FCGX_Init()).  On Linux a worker also gets SIGTERM when the
 * supervisor dies (SIGKILL), instead of serving on unsupervised.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/wait.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "extern.h"

#define PREFORK_YOUNG_MS	1000	/* a death younger than this backs off */
#define PREFORK_BACKOFF_MS	500	/* the first delay after a young death */
#define PREFORK_BACKOFF_MAX_MS	30000	/* the longest */

struct worker {
	pid_t		 pid;		/* 0: not running */
	long long	 born;		/* ms (monotonic) when forked */
	long long	 due;		/* ms when to fork it (pid 0) */
	long long	 backoff;	/* ms, the last delay; 0 after a long life */
};

/* Milliseconds on the monotonic clock. */
static long long
now_ms(void)
{
	struct timespec	 ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
on_chld(int sig)
{
	(void)sig;	/* only so that SIGCHLD, SIGINT are never discarded */
}

/*
 * Fork the worker of slot w.  Returns 1 in the new worker, 0 in the
 * supervisor (the fork failed: w is due again later, and logged).
 */
static int
start(struct worker *w, pid_t self, const sigset_t *omask,
    const struct sigaction *ochld, const struct sigaction *oint,
    struct writer *log)
{
	pid_t	 pid;

	if ((pid = fork()) == -1) {
		log_msg(log, "error: fork: %s", strerror(errno));
		w->backoff = w->backoff == 0 ? PREFORK_BACKOFF_MS :
		    w->backoff * 2;
		if (w->backoff > PREFORK_BACKOFF_MAX_MS)
			w->backoff = PREFORK_BACKOFF_MAX_MS;
		w->due = now_ms() + w->backoff;
		return 0;
	}
	if (pid == 0) {
		(void)sigaction(SIGCHLD, ochld, NULL);
		(void)sigaction(SIGINT, oint, NULL);
		(void)sigprocmask(SIG_SETMASK, omask, NULL);
#ifdef __linux__
		/* Stop after the request in flight if the supervisor dies. */
		if (prctl(PR_SET_PDEATHSIG, SIGTERM) == -1 ||
		    getppid() != self)
			(void)raise(SIGTERM);
#endif
		return 1;
	}
	w->pid = pid;
	w->born = now_ms();
	return 0;
}

/*
 * A worker exited with status: log why, unless we stopped it, and
 * set when to start another.
 */
static void
died(struct worker *w, int status, int stopping, struct writer *log)
{
	long long	 t = now_ms();
	char		 how[64];

	if (WIFSIGNALED(status))
		(void)snprintf(how, sizeof(how), "killed by signal %d",
		    WTERMSIG(status));
	else
		(void)snprintf(how, sizeof(how), "exited with status %d",
		    WEXITSTATUS(status));
	if (t - w->born >= PREFORK_YOUNG_MS)
		w->backoff = 0;
	else if ((w->backoff = w->backoff == 0 ? PREFORK_BACKOFF_MS :
	    w->backoff * 2) > PREFORK_BACKOFF_MAX_MS)
		w->backoff = PREFORK_BACKOFF_MAX_MS;
	w->due = t + w->backoff;
	if (!stopping)
		log_msg(log, "worker %ld %s; another in %lld ms",
		    (long)w->pid, how, w->backoff);
	w->pid = 0;
}

/* Reap every exited worker.  Returns how many are still running. */
static size_t
reap(struct worker *ws, size_t n, int stopping, struct writer *log)
{
	pid_t	 pid;
	size_t	 i, live = 0;
	int	 status;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
		for (i = 0; i < n; i++)
			if (ws[i].pid == pid)
				died(&ws[i], status, stopping, log);
	for (i = 0; i < n; i++)
		if (ws[i].pid != 0)
			live++;
	return live;
}

/*
 * Run n workers until SIGTERM or SIGINT; log gets the supervisor's
 * lines (a worker that died, a failed fork).  Returns PREFORK_WORKER
 * in each worker, which must serve and then exit; PREFORK_DONE in the
 * supervisor once every worker has exited after a stop; PREFORK_ERROR
 * (errno set) if the supervisor could not be set up.
 */
enum prefork
prefork(size_t n, struct writer *log)
{
	struct worker		*ws;
	struct sigaction	 sa, ochld, oint;
	struct timespec		 ts;
	sigset_t		 set, omask;
	pid_t			 self = getpid();
	long long		 t, next;
	size_t			 i;
	int			 sig, stopping = 0;

	if (n == 0 || n > PREFORK_MAX) {
		errno = EINVAL;
		return PREFORK_ERROR;
	}
	if ((ws = calloc(n, sizeof(*ws))) == NULL)
		return PREFORK_ERROR;
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_chld;
	sigemptyset(&sa.sa_mask);
	/* A signal ignored is discarded, never pending: handled, blocked. */
	if (sigprocmask(SIG_BLOCK, &set, &omask) == -1 ||
	    sigaction(SIGCHLD, &sa, &ochld) == -1 ||
	    sigaction(SIGINT, &sa, &oint) == -1) {
		free(ws);
		return PREFORK_ERROR;
	}

	for (;;) {
		if (reap(ws, n, stopping, log) == 0 && stopping)
			break;
		t = now_ms();
		next = -1;
		for (i = 0; i < n && !stopping; i++) {
			if (ws[i].pid != 0)
				continue;
			if (ws[i].due <= t &&
			    start(&ws[i], self, &omask, &ochld, &oint, log)) {
				free(ws);
				return PREFORK_WORKER;
			}
			if (ws[i].pid == 0 && (next == -1 || ws[i].due < next))
				next = ws[i].due;
		}
		if (next != -1) {
			t = next - now_ms();
			if (t < 0)
				t = 0;
			ts.tv_sec = t / 1000;
			ts.tv_nsec = (t % 1000) * 1000000;
			sig = sigtimedwait(&set, NULL, &ts);
		} else
			sig = sigwaitinfo(&set, NULL);
		if ((sig == SIGTERM || sig == SIGINT) && !stopping) {
			stopping = 1;
			for (i = 0; i < n; i++)
				if (ws[i].pid != 0)
					(void)kill(ws[i].pid, SIGTERM);
		}
	}

	free(ws);
	(void)sigaction(SIGCHLD, &ochld, NULL);
	(void)sigaction(SIGINT, &oint, NULL);
	(void)sigprocmask(SIG_SETMASK, &omask, NULL);
	return PREFORK_DONE;
}

/*
 * The number of workers for "auto": the online CPUs, but at least 2,
 * so that one slow password hash never holds up every other client,
 * and at most PREFORK_MAX.
 */
size_t
prefork_auto(void)
{
	long	 ncpu = sysconf(_SC_NPROCESSORS_ONLN);

	if (ncpu < 2)
		return 2;
	return ncpu > PREFORK_MAX ? PREFORK_MAX : (size_t)ncpu;
}

/*
 * Parse a worker count: "auto" or a decimal 1..PREFORK_MAX.  Returns
 * the count, or 0 for anything else.
 */
size_t
prefork_count(const char *s)
{
	char	*end;
	long	 l;

	if (s == NULL || *s == '\0')
		return 0;
	if (strcmp(s, "auto") == 0)
		return prefork_auto();
	if (*s < '0' || *s > '9')
		return 0;
	errno = 0;
	l = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || l < 1 || l > PREFORK_MAX)
		return 0;
	return (size_t)l;
}
