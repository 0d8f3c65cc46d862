/*
 * bench_decide.c: the cost of one decision, by outcome, as ratios
 * against a baseline measured in the same run (the machines are
 * shared and noisy; absolute times mean little).
 *
 * Baseline: an anonymous GET granted to "all" (no password work).
 * The interesting ratio is unknown-user / wrong-password: the dummy
 * verification should make it close to 1, so that timing does not
 * tell which user names exist.  Lockout is on, with limits the rounds
 * never reach, so every credentialed decision pays its check and every
 * failure its write; "locked client" is one whose network is locked
 * (429): it should cost about as little as the baseline, no hash.
 *
 * Tokens (issue 12): in a loop of their own, with the credential cache
 * on and warm, a Bearer token against a cached password (the target:
 * a token decision as fast as a cached credential decision), and an
 * unknown id against a wrong secret (close to 1: a SHA-256 each, no
 * timing tells ids apart; both pay lockout's write of a failure, from
 * a network of their own).  And a cached password whose role is held
 * through two inclusions (sql/0010-roles.sql): about 1, the hierarchy
 * being compiled with the snapshot, not walked per request.
 *
 * Then the same two decisions (anonymous, and a user with the right
 * password) in databases of 1k and 1M users and 0, 1k and 100k other
 * resources, as ratios to the smallest, with the targets of issue 8:
 * the cost at 100k resources at most 1.2x the cost at 0, and a peak
 * RSS under 32 MiB for a process (a fresh one: this program run again
 * with -R) that decided with 1M users and 100k resources.  The users
 * are made by one INSERT of a recursive CTE with one fixed hash, in a
 * temporary directory, once per run (some seconds).
 *
 *   make bench          (builds bench/bench_decide and runs it)
 *   bench/bench_decide [rounds]
 *   bench/bench_decide -R database     (decide a few times, print VmHWM)
 */
#include "config.h"

#include <limits.h>
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
	const char	*addr;		/* REMOTE_ADDR */
	enum verdict	 want;
	double		 secs;
};

/* 203.0.113.9 is locked (mkdb()); failures come from 192.0.2.2. */
static struct kase kases[] = {
	{ "anonymous, granted to all", "/public/x", NULL, "192.0.2.1",
	    VERDICT_ALLOW, 0 },
	{ "no resource (403)", "/nowhere", NULL, "192.0.2.1",
	    VERDICT_FORBIDDEN, 0 },
	{ "right password (yescrypt)", "/docs/x", "alice:s3cret",
	    "192.0.2.1", VERDICT_ALLOW, 0 },
	{ "wrong password", "/docs/x", "alice:wrong", "192.0.2.2",
	    VERDICT_NOAUTH, 0 },
	{ "unknown user", "/docs/x", "mallory:wrong", "192.0.2.2",
	    VERDICT_NOAUTH, 0 },
	{ "locked client (429)", "/docs/x", "alice:s3cret", "203.0.113.9",
	    VERDICT_LOCKED, 0 },
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

/*
 * The database of the outcome cases, alice's hash given, and its
 * lockout state database (path + "-state") with 203.0.113.9 locked.
 */
static void
mkdb(const char *path, const char *hash)
{
	sqlite3	*db;
	char	 sql[1024], state[PATH_MAX], err[256];
	size_t	 i;

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
	    " ('/public/**', 'GET', 'all'), ('/docs/**', 'GET', 'editor');"
	    "INSERT INTO settings (name, value) VALUES"
	    " ('lockout_attempts', '1000'),"
	    " ('lockout_network_attempts', '100000');",
	    nmigrations, hash);
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		exit(1);
	sqlite3_close(db);

	if (state_path(state, sizeof(state), path, NULL) == -1 ||
	    state_init(state, (gid_t)-1, err, sizeof(err)) == -1 ||
	    sqlite3_open(state, &db) != SQLITE_OK ||
	    sqlite3_exec(db, "INSERT INTO failures VALUES"
	    " ('203.0.113.9/32', '', 1, 0, 4102444800)", NULL, NULL,
	    NULL) != SQLITE_OK || lockout_init(state, 1) == -1) {
		fprintf(stderr, "%s: %s\n", state, err);
		exit(1);
	}
	sqlite3_close(db);
}

/*
 * The token loop's cases, against one database with one token for
 * alice (tok_add()); the Authorization header is made by tok_req().
 */
static char	 tok[TOKEN_LEN + 1];
static struct tkase {
	const char	*name;
	int		 kind;		/* 0 none, 1 Basic alice:s3cret, 2
					   Bearer tok, 3 wrong secret, 4
					   unknown id, 5 Basic carol:s3cret,
					   who holds editor through chief >
					   lead > editor (sql/0008) */
	enum verdict	 want;
	double		 secs;
} tkases[] = {
	{ "anonymous, granted to all", 0, VERDICT_ALLOW, 0 },
	{ "right password, cached", 1, VERDICT_ALLOW, 0 },
	{ "cached, role by inclusion", 5, VERDICT_ALLOW, 0 },
	{ "Bearer token", 2, VERDICT_ALLOW, 0 },
	{ "Bearer, wrong secret", 3, VERDICT_NOAUTH, 0 },
	{ "Bearer, unknown id", 4, VERDICT_NOAUTH, 0 },
};

/*
 * Add a new token for alice to the database at path (into tok), and
 * turn the pair lockout off: thousands of wrong secrets for alice
 * would lock her; the network's count (what both failure cases write)
 * stays on, its limit far off.
 */
static void
tok_add(const char *path)
{
	sqlite3	*db;
	char	 sql[1024], id[TOKEN_IDLEN + 1], hash[TOKEN_HASHLEN + 1];

	if (token_new(tok, id, hash) == -1 ||
	    sqlite3_open(path, &db) != SQLITE_OK)
		exit(1);
	snprintf(sql, sizeof(sql), "INSERT INTO tokens (id, user, hash) "
	    "VALUES ('%s', 'alice', '%s'); INSERT OR REPLACE INTO settings "
	    "VALUES ('lockout_attempts', '0');"
	    "INSERT INTO users (name, hash) SELECT 'carol', hash FROM users "
	    "WHERE name = 'alice'; INSERT INTO roles (name) VALUES "
	    "('chief'), ('lead'); INSERT INTO members VALUES "
	    "('carol', 'chief'); INSERT INTO role_includes VALUES "
	    "('chief', 'lead'), ('lead', 'editor')", id, hash);
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		exit(1);
	sqlite3_close(db);
}

/* Fill req with tkases[k]'s request; 0 or -1. */
static int
tok_req(struct request *req, size_t k)
{
	static char	 authz[160], b64[96], bad[TOKEN_LEN + 1];
	static const char *env[10];

	env[0] = "REQUEST_METHOD";
	env[1] = "GET";
	env[2] = "REQUEST_URI";
	env[3] = tkases[k].kind == 0 ? "/public/x" : "/docs/x";
	/* Failures from a network of their own: no success clears them. */
	env[4] = "REMOTE_ADDR";
	env[5] = tkases[k].kind == 3 || tkases[k].kind == 4 ?
	    "192.0.2.4" : "192.0.2.3";
	env[6] = "HTTP_AUTHORIZATION";
	env[7] = authz;
	env[8] = env[9] = NULL;
	memcpy(bad, tok, sizeof(bad));
	switch (tkases[k].kind) {
	case 0:
		env[6] = NULL;
		break;
	case 1:
		b64_encode(b64, sizeof(b64), "alice:s3cret", 12);
		snprintf(authz, sizeof(authz), "Basic %s", b64);
		break;
	case 5:
		b64_encode(b64, sizeof(b64), "carol:s3cret", 12);
		snprintf(authz, sizeof(authz), "Basic %s", b64);
		break;
	case 3:
		bad[TOKEN_LEN - 1] = bad[TOKEN_LEN - 1] == '0' ? '1' : '0';
		snprintf(authz, sizeof(authz), "Bearer %s", bad);
		break;
	case 4:
		bad[4] = bad[4] == '0' ? '1' : '0';
		snprintf(authz, sizeof(authz), "Bearer %s", bad);
		break;
	default:
		snprintf(authz, sizeof(authz), "Bearer %s", tok);
		break;
	}
	return req_parse(req, get, env) == REQ_OK ? 0 : -1;
}

/*
 * The token loop: rounds * 100 rounds of tkases[], interleaved, the
 * credential cache on (and warm after the first round).  0, or -1 on
 * a wrong verdict.
 */
static int
tok_run(const char *path, int rounds)
{
	struct store	*s;
	struct request	 req;
	struct decision	 d;
	enum storeres	 res;
	size_t		 i;
	int		 r, n = rounds * 100;
	double		 t;

	tok_add(path);
	if ((s = store_open_ro(path, &res, NULL, 0)) == NULL)
		return -1;
	credcache_enable(1);
	for (r = -1; r < n; r++)	/* round -1: the warm-up */
		for (i = 0; i < nitems(tkases); i++) {
			if (tok_req(&req, i) == -1)
				goto fail;
			t = now();
			decide(s, &req, &d);
			if (r >= 0)
				tkases[i].secs += now() - t;
			if (d.verdict != tkases[i].want) {
				fprintf(stderr, "%s: verdict %d\n",
				    tkases[i].name, d.verdict);
				goto fail;
			}
		}
	credcache_enable(0);
	store_close(s);
	printf("tokens, %d rounds, credential cache on; ratios to \"%s\" "
	    "(%.1f us per decision)\n", n, tkases[1].name,
	    tkases[1].secs / n * 1e6);
	for (i = 0; i < nitems(tkases); i++)
		printf("  %-28s %10.3f x\n", tkases[i].name,
		    tkases[i].secs / tkases[1].secs);
	printf("Bearer token / cached password: %.3f\n",
	    tkases[3].secs / tkases[1].secs);
	printf("unknown id / wrong secret: %.3f\n",
	    tkases[5].secs / tkases[4].secs);
	printf("role by inclusion / cached password: %.3f\n",
	    tkases[2].secs / tkases[1].secs);
	return 0;
fail:
	credcache_enable(0);
	store_close(s);
	return -1;
}

/*
 * Scaling.  Each database is the outcome cases' one plus generated
 * users ("user0000001", ... with alice's hash, not hashed again) and
 * resources (/bench/N and all beneath it, one rule each, which makes
 * the resource by its trigger); some start as a copy of another
 * (from).
 */
#define SCALE_MINTIME	0.002	/* s of decisions per case and round */

struct scale {
	const char	*label;
	size_t		 users;		/* generated, besides alice */
	size_t		 res;		/* generated resources */
	int		 from;		/* copy of scales[from], or -1 */
	char		 path[PATH_MAX];
	struct store	*s;
	double		 secs[2];	/* by scase */
	size_t		 n[2];
};

static struct scale scales[] = {
	{ "1k users, 0 resources", 999, 0, -1, "", NULL, {0, 0}, {0, 0} },
	{ "1k users, 1k resources", 0, 1000, 0, "", NULL, {0, 0}, {0, 0} },
	{ "1k users, 100k resources", 0, 100000, 0, "", NULL, {0, 0},
	    {0, 0} },
	{ "1M users, 0 resources", 999999, 0, -1, "", NULL, {0, 0},
	    {0, 0} },
	{ "1M users, 100k resources", 0, 100000, 3, "", NULL, {0, 0},
	    {0, 0} },
};

/* The decisions timed in each: kases[] indices. */
static const size_t scases[2] = { 0, 2 };

static const char *const gen_users =
    "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c"
    " WHERE i < ?1) INSERT INTO users (name, hash)"
    " SELECT printf('user%07d', i), ?2 FROM c";
static const char *const gen_res =
    "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c"
    " WHERE i < ?1) INSERT INTO rules (pattern, methods, principal)"
    " SELECT '/bench/' || i || '/**', 'GET', 'valid-user' FROM c";

/* Run sql with ?1 = n, ?2 = hash on db; 0 or -1. */
static int
gen(sqlite3 *db, const char *sql, size_t n, const char *hash)
{
	sqlite3_stmt	*st;
	int		 rc;

	if (n == 0)
		return 0;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)n);
	sqlite3_bind_text(st, 2, hash, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Make scales[i] in dir; 0 or -1 (the message on stderr). */
static int
mkscale(const char *dir, size_t i, const char *hash)
{
	struct scale	*sc = &scales[i];
	sqlite3		*db, *src;
	sqlite3_backup	*b;
	int		 brc = SQLITE_ERROR, rc = -1;

	snprintf(sc->path, sizeof(sc->path), "%s/scale%zu.db", dir, i);
	if (sc->from == -1)
		mkdb(sc->path, hash);
	if (sqlite3_open(sc->path, &db) != SQLITE_OK)
		goto out;
	if (sc->from != -1) {
		if (sqlite3_open_v2(scales[sc->from].path, &src,
		    SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
			sqlite3_close(src);
			goto out;
		}
		b = sqlite3_backup_init(db, "main", src, "main");
		if (b != NULL) {
			brc = sqlite3_backup_step(b, -1);
			sqlite3_backup_finish(b);
		}
		sqlite3_close(src);
		if (b == NULL || brc != SQLITE_DONE)
			goto out;
	}
	if (sqlite3_exec(db, "PRAGMA synchronous = OFF", NULL, NULL,
	    NULL) != SQLITE_OK ||
	    gen(db, gen_users, sc->users, hash) == -1 ||
	    gen(db, gen_res, sc->res, hash) == -1)
		goto out;
	rc = 0;
out:
	if (rc == -1)
		fprintf(stderr, "%s: %s\n", sc->label, sqlite3_errmsg(db));
	sqlite3_close(db);
	return rc;
}

/* Fill req with kases[k]'s request; 0 or -1. */
static int
mkreq(struct request *req, size_t k)
{
	static char	 authz[128], b64[96];
	static const char *env[10];

	env[0] = "REQUEST_METHOD";
	env[1] = "GET";
	env[2] = "REQUEST_URI";
	env[3] = kases[k].target;
	env[4] = "REMOTE_ADDR";
	env[5] = kases[k].addr;
	env[6] = env[7] = env[8] = env[9] = NULL;
	if (kases[k].cred != NULL) {
		b64_encode(b64, sizeof(b64), kases[k].cred,
		    strlen(kases[k].cred));
		snprintf(authz, sizeof(authz), "Basic %s", b64);
		env[6] = "HTTP_AUTHORIZATION";
		env[7] = authz;
	}
	return req_parse(req, get, env) == REQ_OK ? 0 : -1;
}

/*
 * One round: each case in each database, once if that takes
 * SCALE_MINTIME (a hash), else again and again for SCALE_MINTIME.
 * 0, or -1 on a wrong verdict.
 */
static int
scale_round(void)
{
	struct request	 req;
	struct decision	 d;
	struct scale	*sc;
	size_t		 i, j, n;
	double		 t0, t;

	for (j = 0; j < nitems(scases); j++) {
		if (mkreq(&req, scases[j]) == -1)
			return -1;
		for (i = 0; i < nitems(scales); i++) {
			sc = &scales[i];
			t0 = now();
			decide(sc->s, &req, &d);
			t = now() - t0;
			n = 1;
			/*
			 * A fast decision after a hash (16 MiB for yescrypt)
			 * runs from cold CPU caches: that one was a warm-up.
			 */
			if (t < SCALE_MINTIME) {
				n = 0;
				t0 = now();
				do {
					decide(sc->s, &req, &d);
					n++;
				} while ((t = now() - t0) < SCALE_MINTIME);
			}
			if (d.verdict != kases[scases[j]].want) {
				fprintf(stderr, "%s, %s: verdict %d\n",
				    sc->label, kases[scases[j]].name,
				    d.verdict);
				return -1;
			}
			sc->secs[j] += t;
			sc->n[j] += n;
		}
	}
	return 0;
}

/* Seconds per decision of case j in scales[i]. */
static double
per(size_t i, size_t j)
{
	return scales[i].n[j] == 0 ? 0 : scales[i].secs[j] / scales[i].n[j];
}

/*
 * -R: in a fresh process, decide every outcome case with db a few
 * times and print the peak resident set (VmHWM) in KiB.  0 or 1.
 */
static int
rss_child(const char *db)
{
	struct store	*s;
	struct request	 req;
	struct decision	 d;
	enum storeres	 res;
	FILE		*f;
	char		 line[256];
	size_t		 i, r;
	long		 kib = -1;

	if (pw_init() == -1 ||
	    (s = store_open_ro(db, &res, NULL, 0)) == NULL)
		return 1;
	for (r = 0; r < 3; r++)
		for (i = 0; i < nitems(kases); i++) {
			if (mkreq(&req, i) == -1)
				return 1;
			decide(s, &req, &d);
		}
	if ((f = fopen("/proc/self/status", "r")) == NULL)
		return 1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, "VmHWM:", 6) == 0)
			kib = strtol(line + 6, NULL, 10);
	fclose(f);
	store_close(s);
	if (kib < 0)
		return 1;
	printf("%ld\n", kib);
	return 0;
}

/*
 * The peak RSS in KiB of this program run again as "-R db", a process
 * that never held the other databases; -1 on error.
 */
static long
rss_of(const char *db)
{
	char	 self[PATH_MAX], cmd[2 * PATH_MAX + 16], line[64];
	ssize_t	 len;
	FILE	*p;
	long	 kib = -1;

	if ((len = readlink("/proc/self/exe", self, sizeof(self) - 1)) == -1)
		return -1;
	self[len] = '\0';
	/* Both paths are ours: no quote inside. */
	if (strchr(self, '\'') != NULL)
		return -1;
	snprintf(cmd, sizeof(cmd), "'%s' -R '%s'", self, db);
	fflush(stdout);
	if ((p = popen(cmd, "r")) == NULL)
		return -1;
	if (fgets(line, sizeof(line), p) != NULL)
		kib = strtol(line, NULL, 10);
	if (pclose(p) != 0)
		kib = -1;
	return kib;
}

/* The scaling part of main: 0 or -1. */
static int
scale_run(const char *dir, const char *hash, int rounds)
{
	size_t		 i, j;
	enum storeres	 res;
	double		 t, worst[2] = { 0, 0 };
	long		 kib;
	int		 r, rc = -1;

	printf("\nmaking the databases (1M users: some seconds) ...\n");
	fflush(stdout);
	t = now();
	for (i = 0; i < nitems(scales); i++)
		if (mkscale(dir, i, hash) == -1)
			return -1;
	printf("made in %.1f s\n", now() - t);
	for (i = 0; i < nitems(scales); i++)
		if ((scales[i].s = store_open_ro(scales[i].path, &res, NULL,
		    0)) == NULL)
			goto out;
	for (r = 0; r < rounds; r++)
		if (scale_round() == -1)
			goto out;

	printf("%d rounds; ratios to \"%s\"\n", rounds, scales[0].label);
	printf("  %-28s %22s %22s\n", "", "anonymous",
	    "right password");
	for (i = 0; i < nitems(scales); i++) {
		printf("  %-28s", scales[i].label);
		for (j = 0; j < nitems(scases); j++)
			printf(" %8.2f x (%8.1f us)", per(i, j) / per(0, j),
			    per(i, j) * 1e6);
		printf("\n");
	}
	/* 100k resources against 0, with as many users. */
	for (j = 0; j < nitems(scases); j++) {
		worst[j] = per(2, j) / per(0, j);
		if (per(4, j) / per(3, j) > worst[j])
			worst[j] = per(4, j) / per(3, j);
	}
	printf("%s  decision cost at 100k resources <= 1.2x the cost at 0"
	    " (worst of 1k and 1M users): anonymous %.2f x, right password"
	    " %.2f x\n", worst[0] <= 1.2 && worst[1] <= 1.2 ? "PASS" :
	    "FAIL", worst[0], worst[1]);
	for (i = 0; i < nitems(scales); i++) {
		store_close(scales[i].s);
		scales[i].s = NULL;
	}
	kib = rss_of(scales[4].path);
	if (kib < 0)
		printf("FAIL  peak RSS, 1M users and 100k resources: "
		    "not measured\n");
	else
		printf("%s  peak RSS of a process that decided with 1M users"
		    " and 100k resources: %.1f MiB (target < 32 MiB)\n",
		    kib < 32 * 1024 ? "PASS" : "FAIL", kib / 1024.0);
	rc = 0;
out:
	for (i = 0; i < nitems(scales); i++)
		if (scales[i].s != NULL)
			store_close(scales[i].s);
	return rc;
}

/* Remove db and its -wal and -shm. */
static void
rmdb(const char *db)
{
	char	 p[PATH_MAX];

	snprintf(p, sizeof(p), "%s-wal", db);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", db);
	unlink(p);
	unlink(db);
}

int
main(int argc, char *argv[])
{
	char		 dir[] = "/tmp/portcullis-bench.XXXXXX", db[64];
	char		 state[80];
	char		 hash[PW_HASH_MAX];
	struct store	*s;
	struct request	 req;
	struct decision	 d;
	enum storeres	 res;
	size_t		 i;
	int		 r, rounds, rc = 1;
	double		 t;

	if (argc == 3 && strcmp(argv[1], "-R") == 0)
		return rss_child(argv[2]);
	rounds = argc > 1 ? atoi(argv[1]) : 40;
	if (rounds <= 0 || mkdtemp(dir) == NULL || pw_init() == -1)
		return 1;
	if (pw_hash(hash, sizeof(hash), "s3cret", 6) == -1)
		goto out;
	snprintf(db, sizeof(db), "%s/auth.db", dir);
	mkdb(db, hash);
	if ((s = store_open_ro(db, &res, NULL, 0)) == NULL)
		goto out;

	/* Interleave the cases round by round: drift hits all alike. */
	for (r = 0; r < rounds; r++)
		for (i = 0; i < nitems(kases); i++) {
			if (mkreq(&req, i) == -1) {
				store_close(s);
				goto out;
			}
			t = now();
			decide(s, &req, &d);
			kases[i].secs += now() - t;
			if (d.verdict != kases[i].want) {
				fprintf(stderr, "%s: verdict %d\n",
				    kases[i].name, d.verdict);
				store_close(s);
				goto out;
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
	printf("locked client / wrong password: %.4f\n",
	    kases[5].secs / kases[3].secs);
	if (tok_run(db, rounds) == -1)
		goto out;

	/* A round there hashes once per database: fewer of them. */
	if (scale_run(dir, hash, rounds / 4 > 3 ? rounds / 4 : 3) == -1)
		goto out;
	rc = 0;
out:
	lockout_close();
	rmdb(db);
	snprintf(state, sizeof(state), "%s-state", db);
	rmdb(state);
	for (i = 0; i < nitems(scales); i++)
		if (scales[i].path[0] != '\0')
			rmdb(scales[i].path);
	rmdir(dir);
	return rc;
}
