/*
 * metrics.c: counters of what the FastCGI processes decided, for a
 * Prometheus scrape (the text exposition format, version 0.0.4):
 * decisions by status and reason, credential-cache hits and misses,
 * locks imposed, policy snapshot rebuilds, and a histogram of the time
 * a decision took.
 *
 * The counters live in one anonymous shared mapping made before the
 * supervisor forks its workers (prefork.c), so every worker adds to
 * the same numbers and any worker can answer a scrape with the sum;
 * nothing is written to disk, and an add is one relaxed atomic
 * increment.  Without metrics_init() (plain CGI: one request per
 * process) every function does nothing and metrics_write() says so.
 */
#include "config.h"

#include <sys/mman.h>

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "extern.h"

/* Upper bounds of the latency buckets, in microseconds. */
static const uint64_t bucket_us[] = {
	100, 250, 500, 1000, 2500, 5000, 10000, 25000, 50000, 100000,
	250000, 500000, 1000000,
};
#define NBUCKETS	(nitems(bucket_us) + 1)	/* the last is +Inf */

struct metrics {
	uint64_t	 decisions[VERDICT__MAX][WHY__MAX];
	uint64_t	 cache[2];		/* hits, misses */
	uint64_t	 locks;
	uint64_t	 rebuilds;
	uint64_t	 lat[NBUCKETS];		/* not cumulative */
	uint64_t	 lat_sum_us;
};

static struct metrics	*m;

static void
add(uint64_t *p, uint64_t n)
{
	__atomic_fetch_add(p, n, __ATOMIC_RELAXED);
}

static uint64_t
get(const uint64_t *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

/*
 * Map the counters, shared with every process forked after this call.
 * Return 0, or -1 (errno set; metrics stay off).  Idempotent.
 */
int
metrics_init(void)
{
	void	*p;

	if (m != NULL)
		return 0;
	p = mmap(NULL, sizeof(*m), PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -1;
	memset(p, 0, sizeof(*m));
	m = p;
	return 0;
}

/* Whether the counters are kept (metrics_init() succeeded). */
int
metrics_on(void)
{
	return m != NULL;
}

/* Count the decision d, which took usec microseconds. */
void
metrics_decision(const struct decision *d, uint64_t usec)
{
	size_t	 i;

	if (m == NULL || d->verdict >= VERDICT__MAX || d->why >= WHY__MAX)
		return;
	add(&m->decisions[d->verdict][d->why], 1);
	if (d->cache == CC_HIT)
		add(&m->cache[0], 1);
	else if (d->cache == CC_MISS)
		add(&m->cache[1], 1);
	for (i = 0; i < nitems(bucket_us) && usec > bucket_us[i]; i++)
		continue;
	add(&m->lat[i], 1);
	add(&m->lat_sum_us, usec);
}

/* Count a lock imposed on a client (lockout.c). */
void
metrics_lock(void)
{
	if (m != NULL)
		add(&m->locks, 1);
}

/* Count a policy snapshot rebuilt (snapshot.c). */
void
metrics_rebuild(void)
{
	if (m != NULL)
		add(&m->rebuilds, 1);
}

/* Microseconds as seconds, "%llu.%06llu" without trailing zeros. */
static int
wr_seconds(struct writer *w, uint64_t us)
{
	char	 frac[8];
	size_t	 n;

	if (us % 1000000 == 0)
		return wr_printf(w, "%llu", (unsigned long long)(us / 1000000));
	n = (size_t)snprintf(frac, sizeof(frac), "%06llu",
	    (unsigned long long)(us % 1000000));
	while (n > 0 && frac[n - 1] == '0')
		frac[--n] = '\0';
	return wr_printf(w, "%llu.%s", (unsigned long long)(us / 1000000),
	    frac);
}

/*
 * Write every counter to w in the Prometheus text format.  Decision
 * series appear once counted (a status and reason that never happened
 * is absent, not 0).  Return 0, or -1 if a write failed or metrics are
 * off (the caller answers 404 or 503).
 */
int
metrics_write(struct writer *w)
{
	uint64_t	 n, cum;
	size_t		 v, y, i;

	if (m == NULL)
		return -1;
	if (wr_puts(w, "# HELP portcullis_decisions_total Decisions by "
	    "HTTP status and reason.\n"
	    "# TYPE portcullis_decisions_total counter\n") == -1)
		return -1;
	for (v = 0; v < VERDICT__MAX; v++)
		for (y = 0; y < WHY__MAX; y++) {
			if ((n = get(&m->decisions[v][y])) == 0)
				continue;
			if (wr_printf(w, "portcullis_decisions_total{status="
			    "\"%d\",reason=\"%s\"} %llu\n", verdict_status[v],
			    why_str[y], (unsigned long long)n) == -1)
				return -1;
		}
	if (wr_printf(w, "# HELP portcullis_credential_cache_total "
	    "Passwords found in the credential cache (hit) or verified "
	    "(miss).\n"
	    "# TYPE portcullis_credential_cache_total counter\n"
	    "portcullis_credential_cache_total{result=\"hit\"} %llu\n"
	    "portcullis_credential_cache_total{result=\"miss\"} %llu\n",
	    (unsigned long long)get(&m->cache[0]),
	    (unsigned long long)get(&m->cache[1])) == -1)
		return -1;
	if (wr_printf(w, "# HELP portcullis_lockouts_total Locks imposed "
	    "on a client after failed logins.\n"
	    "# TYPE portcullis_lockouts_total counter\n"
	    "portcullis_lockouts_total %llu\n"
	    "# HELP portcullis_snapshot_rebuilds_total Compiled policy "
	    "snapshots rebuilt after a change.\n"
	    "# TYPE portcullis_snapshot_rebuilds_total counter\n"
	    "portcullis_snapshot_rebuilds_total %llu\n",
	    (unsigned long long)get(&m->locks),
	    (unsigned long long)get(&m->rebuilds)) == -1)
		return -1;
	if (wr_puts(w, "# HELP portcullis_decision_duration_seconds Time "
	    "from the parsed request to the decision.\n"
	    "# TYPE portcullis_decision_duration_seconds histogram\n") == -1)
		return -1;
	for (i = cum = 0; i < NBUCKETS; i++) {
		cum += get(&m->lat[i]);
		if (wr_puts(w, "portcullis_decision_duration_seconds_bucket"
		    "{le=\"") == -1)
			return -1;
		if (i < nitems(bucket_us)) {
			if (wr_seconds(w, bucket_us[i]) == -1)
				return -1;
		} else if (wr_puts(w, "+Inf") == -1)
			return -1;
		if (wr_printf(w, "\"} %llu\n", (unsigned long long)cum) == -1)
			return -1;
	}
	if (wr_puts(w, "portcullis_decision_duration_seconds_sum ") == -1 ||
	    wr_seconds(w, get(&m->lat_sum_us)) == -1 ||
	    wr_printf(w, "\nportcullis_decision_duration_seconds_count "
	    "%llu\n", (unsigned long long)cum) == -1)
		return -1;
	return 0;
}
