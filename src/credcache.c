/*
 * credcache.c: the credential cache of a FastCGI process (issue 8,
 * section 1; README "Credential cache").
 *
 * After pw_verify() said PW_MATCH for (user, password, stored hash),
 * authenticate() in decide.c remembers the fact here, and a later
 * request with the same three strings skips the verification for up
 * to credential_cache_seconds.  Everything else (the user row:
 * exists, disabled, expiry; the roles) is still read from the
 * database on every request: the cache answers only "is this the
 * password of this hash?".
 *
 * What is kept: the 32-byte BLAKE2b (crypto_generichash) of the three
 * strings, each prefixed by its length as 8 bytes little-endian (so
 * "ab" + "c" never meets "a" + "bc"), keyed with 32 random bytes of
 * this process (a new key, and a wiped table, whenever getpid()
 * changes: every forked worker has its own).  Never the password,
 * never an unkeyed digest of it.  The stored hash is part of the key:
 * after `portcullis user passwd` the old entry is never found again.
 *
 * The table: a fixed number of entries (credential_cache_entries),
 * allocated at first use and again (wiped) when the setting changes,
 * found in O(1) through a chained hash index (the key is already a
 * uniform random value: its first bytes are the bucket), evicted by
 * CLOCK (a hit sets an entry's reference bit; the hand clears set
 * bits and takes the first entry with a clear one, a free or an
 * expired one).  Every entry is sodium_memzero()ed when it is dropped,
 * evicted, or the table is freed.  Off (every lookup a miss, nothing
 * kept) until credcache_enable(1), which only main.c's FastCGI loop
 * calls: a CGI process serves one request and has nothing to keep.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "extern.h"

#define CC_KEYSZ	crypto_generichash_BYTES	/* 32 */
#define CC_SECRETSZ	crypto_generichash_KEYBYTES	/* 32 */

/* Names for enum ccres: the log's cache=. */
const char *const ccres_str[CC__MAX] = {
	[CC_NONE] = "-",
	[CC_MISS] = "miss",
	[CC_HIT] = "hit",
};

/* One remembered verification. */
struct ccent {
	unsigned char	 key[CC_KEYSZ];	/* keyed hash of the credentials */
	time_t		 born;		/* when verified (cc.now()) */
	uint32_t	 next;		/* next in the bucket: index + 1, 0 */
	unsigned char	 used;
	unsigned char	 ref;		/* CLOCK: hit since the hand passed */
};

/* The process's cache. */
static struct {
	int		 enabled;
	pid_t		 pid;		/* whose key this is; 0: none yet */
	unsigned char	 secret[CC_SECRETSZ];
	struct ccent	*ents;		/* n entries, or NULL */
	size_t		 n;
	uint32_t	*heads;		/* nheads buckets: index + 1, or 0 */
	size_t		 nheads;	/* a power of two >= 2n */
	size_t		 hand;		/* CLOCK */
	time_t		(*now)(void);	/* NULL: monotonic seconds */
} cc;

/* Seconds of CLOCK_MONOTONIC (the wall clock may be set back), or -1. */
static time_t
cc_monotonic(void)
{
	struct timespec	 ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) == -1)
		return -1;
	return ts.tv_sec;
}

static time_t
cc_time(void)
{
	return cc.now != NULL ? cc.now() : cc_monotonic();
}

/* Wipe every entry and bucket, keeping the allocation. */
static void
cc_clear(void)
{
	if (cc.ents != NULL)
		sodium_memzero(cc.ents, cc.n * sizeof(*cc.ents));
	if (cc.heads != NULL)
		sodium_memzero(cc.heads, cc.nheads * sizeof(*cc.heads));
	cc.hand = 0;
}

/*
 * Wipe and free the table, and forget the key.  The next use keys and
 * allocates again.  Called at exit and when the cache is turned off.
 */
void
credcache_wipe(void)
{
	cc_clear();
	free(cc.ents);
	free(cc.heads);
	cc.ents = NULL;
	cc.heads = NULL;
	cc.n = cc.nheads = 0;
	sodium_memzero(cc.secret, sizeof(cc.secret));
	cc.pid = 0;
}

/* Turn the cache on (main.c's FastCGI loop) or off (wiped). */
void
credcache_enable(int on)
{
	if (!on)
		credcache_wipe();
	cc.enabled = on;
}

/* The clock for the age of entries: fn, or NULL for the real one. */
void
credcache_clock(time_t (*fn)(void))
{
	cc.now = fn;
}

/* The number of entries held (for tests and the benchmark). */
size_t
credcache_count(void)
{
	size_t	 i, k = 0;

	for (i = 0; cc.ents != NULL && i < cc.n; i++)
		k += cc.ents[i].used;
	return k;
}

/*
 * Make the table ready for set: off (wiped) if the cache is disabled
 * or credential_cache_seconds is 0; a new key and a wiped table in a
 * new process; (re)allocated to credential_cache_entries.  Returns 1
 * if the cache may be used, 0 if not (off, or out of memory: then
 * every request verifies, as without a cache).
 */
static int
cc_ready(const struct settings *set)
{
	size_t	 n = set->cache_entries, nh;
	pid_t	 pid;

	if (!cc.enabled || set->cache_seconds == 0 || n == 0 ||
	    n > UINT32_MAX / 4) {
		if (cc.ents != NULL || cc.pid != 0)
			credcache_wipe();
		return 0;
	}
	if ((pid = getpid()) != cc.pid) {
		if (sodium_init() < 0)
			return 0;
		cc_clear();
		randombytes_buf(cc.secret, sizeof(cc.secret));
		cc.pid = pid;
	}
	if (cc.ents != NULL && cc.n == n)
		return 1;
	cc_clear();
	free(cc.ents);
	free(cc.heads);
	for (nh = 1; nh < 2 * n; nh *= 2)
		continue;
	cc.ents = calloc(n, sizeof(*cc.ents));
	cc.heads = calloc(nh, sizeof(*cc.heads));
	if (cc.ents == NULL || cc.heads == NULL) {
		free(cc.ents);
		free(cc.heads);
		cc.ents = NULL;
		cc.heads = NULL;
		cc.n = cc.nheads = 0;
		return 0;
	}
	cc.n = n;
	cc.nheads = nh;
	return 1;
}

/* Feed one length-prefixed string to the hash. */
static void
cc_field(crypto_generichash_state *st, const char *p, size_t sz)
{
	unsigned char	 len[8];
	uint64_t	 v = sz;
	size_t		 i;

	for (i = 0; i < sizeof(len); i++, v >>= 8)
		len[i] = (unsigned char)(v & 0xff);
	crypto_generichash_update(st, len, sizeof(len));
	crypto_generichash_update(st, (const unsigned char *)p, sz);
}

/* key = BLAKE2b-256 keyed with the secret over the three fields. */
static void
cc_key(unsigned char *key, const char *user, size_t usersz,
    const char *pass, size_t passsz, const char *hash)
{
	crypto_generichash_state	 st;

	crypto_generichash_init(&st, cc.secret, sizeof(cc.secret), CC_KEYSZ);
	cc_field(&st, user, usersz);
	cc_field(&st, pass, passsz);
	cc_field(&st, hash, strlen(hash));
	crypto_generichash_final(&st, key, CC_KEYSZ);
	sodium_memzero(&st, sizeof(st));
}

static size_t
cc_bucket(const unsigned char *key)
{
	uint64_t	 v = 0;
	size_t		 i;

	for (i = 0; i < 8; i++)
		v = v << 8 | key[i];
	return (size_t)(v & (cc.nheads - 1));
}

/* Whether e, made at e->born, is still good at now. */
static int
cc_fresh(const struct ccent *e, time_t now, unsigned int seconds)
{
	return now >= 0 && now >= e->born && now - e->born < (time_t)seconds;
}

/*
 * The link (a bucket head or an entry's next) that points at key's
 * entry, or at the 0 that ends its bucket.
 */
static uint32_t *
cc_find(const unsigned char *key)
{
	uint32_t	*link = &cc.heads[cc_bucket(key)];

	while (*link != 0 &&
	    sodium_memcmp(cc.ents[*link - 1].key, key, CC_KEYSZ) != 0)
		link = &cc.ents[*link - 1].next;
	return link;
}

/* Take entry i out of its bucket and wipe it. */
static void
cc_drop(size_t i)
{
	uint32_t	*link = &cc.heads[cc_bucket(cc.ents[i].key)];

	while (*link != 0 && *link - 1 != i)
		link = &cc.ents[*link - 1].next;
	if (*link != 0)
		*link = cc.ents[i].next;
	sodium_memzero(&cc.ents[i], sizeof(cc.ents[i]));
}

/*
 * CLOCK: the index of a free entry, after evicting one if need be.
 * Free and expired entries are taken first where the hand finds them;
 * within two turns some entry has a clear reference bit.
 */
static size_t
cc_victim(time_t now, unsigned int seconds)
{
	struct ccent	*e;
	size_t		 i;

	for (;;) {
		i = cc.hand;
		cc.hand = (cc.hand + 1) % cc.n;
		e = &cc.ents[i];
		if (e->used && e->ref && cc_fresh(e, now, seconds)) {
			e->ref = 0;
			continue;
		}
		if (e->used)
			cc_drop(i);
		return i;
	}
}

/*
 * Whether pass is known to be the password of the stored hash of
 * user: 1 (a hit: an entry not older than credential_cache_seconds),
 * 0 (a miss: verify).  An expired entry found is dropped.
 */
int
credcache_lookup(const struct settings *set, const char *user,
    size_t usersz, const char *pass, size_t passsz, const char *hash)
{
	unsigned char	 key[CC_KEYSZ];
	uint32_t	*link;
	struct ccent	*e;
	int		 ret = 0;

	if (!cc_ready(set))
		return 0;
	cc_key(key, user, usersz, pass, passsz, hash);
	if (*(link = cc_find(key)) != 0) {
		e = &cc.ents[*link - 1];
		if (cc_fresh(e, cc_time(), set->cache_seconds)) {
			e->ref = 1;
			ret = 1;
		} else
			cc_drop(*link - 1);
	}
	sodium_memzero(key, sizeof(key));
	return ret;
}

/*
 * Remember that pass verified against the stored hash of user, now.
 * Call only after pw_verify() said PW_MATCH.  Nothing happens when the
 * cache is off.
 */
void
credcache_insert(const struct settings *set, const char *user,
    size_t usersz, const char *pass, size_t passsz, const char *hash)
{
	unsigned char	 key[CC_KEYSZ];
	uint32_t	*link;
	struct ccent	*e;
	time_t		 now;
	size_t		 i, b;

	if (!cc_ready(set) || (now = cc_time()) < 0)
		return;
	cc_key(key, user, usersz, pass, passsz, hash);
	if (*(link = cc_find(key)) != 0)
		cc.ents[*link - 1].born = now;
	else {
		i = cc_victim(now, set->cache_seconds);
		e = &cc.ents[i];
		memcpy(e->key, key, sizeof(e->key));
		e->born = now;
		e->used = 1;
		e->ref = 0;
		b = cc_bucket(key);
		e->next = cc.heads[b];
		cc.heads[b] = (uint32_t)(i + 1);
	}
	sodium_memzero(key, sizeof(key));
}
