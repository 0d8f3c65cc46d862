/*
 * lockout.c: when a login is checked against the lockout state and
 * when it is counted (README, "Lockout"), over the state database
 * (state.c).  decide.c asks lockout_check() before it verifies a
 * password, and tells lockout_failure() or lockout_success() after.
 *
 * Keys: the pair (user name, client network) and the network alone
 * (addr_net(): IPv4 /32, IPv6 /64; an address it refuses counts as
 * "-", one network for all of them).  Known and unknown user names
 * are counted alike, so the state tells nothing about which names
 * exist, and no user is locked out for everyone: only for a network.
 * A locked key costs no password verification.
 *
 * Like credcache.c this is process state: the state database is
 * opened on first use in the process that uses it (a prefork worker,
 * never its supervisor), and again after an error.  If it cannot be
 * opened, read or written while lockout is on, the caller answers 503:
 * a login is never let through unmetered.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "extern.h"

static struct {
	char		 path[4096];	/* "" until lockout_init() */
	int		 record;	/* 0: check only (portcullis check) */
	struct state	*st;
	pid_t		 pid;		/* of the process that opened st */
	time_t		(*clock)(void);
	char		 err[256];
} lk;

static time_t
lk_time(void)
{
	return lk.clock != NULL ? lk.clock() : time(NULL);
}

/*
 * Use the state database at path (record: count failures; 0: only
 * read, for `portcullis check`).  Nothing is opened yet.  Return 0, or
 * -1 if path is too long.
 */
int
lockout_init(const char *path, int record)
{
	lockout_close();
	if ((size_t)snprintf(lk.path, sizeof(lk.path), "%s", path) >=
	    sizeof(lk.path)) {
		lk.path[0] = '\0';
		return -1;
	}
	lk.record = record;
	return 0;
}

/* Close the state database (kept: the path). */
void
lockout_close(void)
{
	if (lk.st != NULL && lk.pid == getpid())
		state_close(lk.st);
	lk.st = NULL;
}

/* The clock lockout reads, for tests; NULL: time(3). */
void
lockout_clock(time_t (*fn)(void))
{
	lk.clock = fn;
}

/* Why the last call failed, for the log. */
const char *
lockout_errmsg(void)
{
	return lk.err;
}

/* Whether set turns lockout on at all. */
static int
lk_on(const struct settings *set)
{
	return set->lockout.pair_attempts > 0 || set->lockout.net_attempts > 0;
}

/* The state database, opened in this process.  NULL: lk.err says. */
static struct state *
lk_state(void)
{
	if (lk.st != NULL && lk.pid != getpid())
		lk.st = NULL;	/* the parent's: never used, never closed */
	if (lk.st != NULL)
		return lk.st;
	if (lk.path[0] == '\0') {
		snprintf(lk.err, sizeof(lk.err), "no lockout state database "
		    "configured");
		return NULL;
	}
	if ((lk.st = state_open(lk.path, !lk.record, lk.err,
	    sizeof(lk.err))) != NULL)
		lk.pid = getpid();
	return lk.st;
}

/* A state error: report it, and reopen on the next use. */
static enum lockres
lk_fail(void)
{
	snprintf(lk.err, sizeof(lk.err), "%s", state_errmsg(lk.st));
	lockout_close();
	return LOCK_ERROR;
}

static void
lk_net(char *net, size_t netsz, const char *addr)
{
	if (addr_net(net, netsz, addr, strlen(addr)) == -1)
		snprintf(net, netsz, "-");
}

/*
 * Before verifying a password: whether the client at addr (the
 * request's) may try, as user (NULL: no name could be read).  Returns
 * LOCK_OPEN (and *known: the pair has failures on record), LOCK_LOCKED
 * with the seconds left in *retry (at least 1), LOCK_OFF when set
 * turns lockout off, or LOCK_ERROR (lockout_errmsg()).
 */
enum lockres
lockout_check(const struct settings *set, const char *addr,
    const char *user, unsigned int *retry, int *known)
{
	char		 net[ADDR_NET_MAX + 1];
	time_t		 now = lk_time(), until;
	int		 rc;

	*retry = 0;
	*known = 0;
	if (!lk_on(set))
		return LOCK_OFF;
	if (lk_state() == NULL)
		return LOCK_ERROR;
	lk_net(net, sizeof(net), addr);
	if ((rc = state_locked(lk.st, net, user, now, &until, known)) == -1)
		return lk_fail();
	if (rc == 0)
		return LOCK_OPEN;
	*retry = until - now > 0 ? (unsigned int)(until - now) : 1;
	return LOCK_LOCKED;
}

/*
 * After a failure was counted for (net, user), which lockout_check()
 * had found open: count a lock if the failure imposed one (metrics.c).
 * One more indexed read, only where metrics are kept; a read error
 * only goes uncounted.
 */
static void
lk_count_lock(const char *net, const char *user)
{
	time_t	 until;
	int	 known;

	if (state_locked(lk.st, net, user, lk_time(), &until, &known) == 1)
		metrics_lock();
}

/*
 * Record the outcome of a login from addr as user: a failure (user
 * NULL: none read) is counted, a success forgets the pair.  Nothing
 * when lockout is off or only checked.  0 or -1.
 */
static int
lk_record(const struct settings *set, const char *addr, const char *user,
    int failed)
{
	char	 net[ADDR_NET_MAX + 1];
	int	 rc;

	if (!lk_on(set) || !lk.record)
		return 0;
	if (lk_state() == NULL)
		return -1;
	lk_net(net, sizeof(net), addr);
	rc = failed ? state_failure(lk.st, &set->lockout, net, user,
	    lk_time()) : state_success(lk.st, net, user);
	if (rc == -1) {
		(void)lk_fail();
		return -1;
	}
	if (failed && metrics_on())
		lk_count_lock(net, user);
	return 0;
}

/* A failed login from addr as user (NULL: none read).  0 or -1. */
int
lockout_failure(const struct settings *set, const char *addr,
    const char *user)
{
	return lk_record(set, addr, user, 1);
}

/*
 * For a health check: whether the state database lockout needs under
 * set opens and reads (0; also when set turns lockout off), else -1
 * (lockout_errmsg()).
 */
int
lockout_health(const struct settings *set)
{
	time_t	 until;
	int	 known;

	if (!lk_on(set))
		return 0;
	if (lk_state() == NULL)
		return -1;
	if (state_locked(lk.st, "-", NULL, lk_time(), &until, &known) == -1) {
		(void)lk_fail();
		return -1;
	}
	return 0;
}

/* A good password for user from addr: forget the pair.  0 or -1. */
int
lockout_success(const struct settings *set, const char *addr,
    const char *user)
{
	return lk_record(set, addr, user, 0);
}
