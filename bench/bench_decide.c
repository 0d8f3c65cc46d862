/*
 * bench_decide.c: the cost of one decision, by outcome, as ratios
 * against a baseline measured in the same run (the machines are
 * shared and noisy; absolute times mean little).
 *
 * Baseline: an anonymous GET granted to "all" (no password work).
 * The interesting ratio is unknown-user / wrong-password: the dummy
 * verification should make it close to 1, so that timing does not
 * tell which user names exist.
 *
 *   make bench          (builds bench/bench_decide and runs it)
 *   bench/bench_decide [rounds]
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "extern.h"

struct kase {
	const char	*name;
	const char	*target;
	const char	*cred;		/* "user:pass" or NULL */
	enum verdict	 want;
	double		 secs;
};

static struct kase kases[] = {
	{ "anonymous, granted to all", "/public/x", NULL, VERDICT_ALLOW, 0 },
	{ "no resource (403)", "/nowhere", NULL, VERDICT_FORBIDDEN, 0 },
	{ "right password (yescrypt)", "/docs/x", "alice:s3cret",
	    VERDICT_ALLOW, 0 },
	{ "wrong password", "/docs/x", "alice:wrong", VERDICT_NOAUTH, 0 },
	{ "unknown user", "/docs/x", "mallory:wrong", VERDICT_NOAUTH, 0 },
};

static const char *
get(void *arg, const char *name)
{
	const char *const	*env = arg;

	for (; env[0] != NULL; env += 2)
		if (strcmp(env[0], name) == 0)
			return env[1];
	return NULL;
}

static double
now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
mkdb(const char *path)
{
	sqlite3	*db;
	char	 hash[PW_HASH_MAX], sql[1024];
	size_t	 i;

	if (pw_hash(hash, sizeof(hash), "s3cret", 6) == -1)
		exit(1);
	if (sqlite3_open(path, &db) != SQLITE_OK)
		exit(1);
	for (i = 0; i < nmigrations; i++)
		if (sqlite3_exec(db, migrations[i], NULL, NULL, NULL) !=
		    SQLITE_OK)
			exit(1);
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %zu;"
	    "INSERT INTO users (name, hash) VALUES ('alice', '%s');"
	    "INSERT INTO roles (name) VALUES ('editor');"
	    "INSERT INTO members VALUES ('alice', 'editor');"
	    "INSERT INTO rules (pattern, methods, principal) VALUES"
	    " ('/public/**', 'GET', 'all'), ('/docs/**', 'GET', 'editor');",
	    nmigrations, hash);
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		exit(1);
	sqlite3_close(db);
}

int
main(int argc, char *argv[])
{
	char		 dir[] = "/tmp/portcullis-bench.XXXXXX", db[64];
	char		 authz[128], b64[96];
	const char	*env[8];
	struct store	*s;
	struct request	 req;
	struct decision	 d;
	enum storeres	 res;
	size_t		 i;
	int		 r, rounds = argc > 1 ? atoi(argv[1]) : 40;
	double		 t;

	if (rounds <= 0 || mkdtemp(dir) == NULL || pw_init() == -1)
		return 1;
	snprintf(db, sizeof(db), "%s/auth.db", dir);
	mkdb(db);
	if ((s = store_open_ro(db, &res, NULL, 0)) == NULL)
		return 1;

	/* Interleave the cases round by round: drift hits all alike. */
	for (r = 0; r < rounds; r++)
		for (i = 0; i < nitems(kases); i++) {
			env[0] = "REQUEST_METHOD";
			env[1] = "GET";
			env[2] = "REQUEST_URI";
			env[3] = kases[i].target;
			env[4] = env[5] = env[6] = env[7] = NULL;
			if (kases[i].cred != NULL) {
				b64_encode(b64, sizeof(b64), kases[i].cred,
				    strlen(kases[i].cred));
				snprintf(authz, sizeof(authz), "Basic %s", b64);
				env[4] = "HTTP_AUTHORIZATION";
				env[5] = authz;
			}
			if (req_parse(&req, get, env) != REQ_OK)
				return 1;
			t = now();
			decide(s, &req, &d);
			kases[i].secs += now() - t;
			if (d.verdict != kases[i].want) {
				fprintf(stderr, "%s: verdict %d\n",
				    kases[i].name, d.verdict);
				return 1;
			}
		}
	store_close(s);

	printf("%d rounds; ratios to \"%s\" (%.1f us per decision)\n",
	    rounds, kases[0].name, kases[0].secs / rounds * 1e6);
	for (i = 0; i < nitems(kases); i++)
		printf("  %-28s %10.1f x\n", kases[i].name,
		    kases[i].secs / kases[0].secs);
	printf("unknown user / wrong password: %.3f\n",
	    kases[4].secs / kases[3].secs);

	snprintf(authz, sizeof(authz), "%s-wal", db);
	unlink(authz);
	snprintf(authz, sizeof(authz), "%s-shm", db);
	unlink(authz);
	unlink(db);
	rmdir(dir);
	return 0;
}
