/*
 * addr.c: the client's address as the web server delivers it
 * (REMOTE_ADDR, after the server's own trusted-proxy handling: nginx
 * realip, Apache mod_remoteip, lighttpd mod_extforward; Caddy's
 * {client_ip} in a parameter of its own).  Portcullis never parses
 * X-Forwarded-For.  Two uses:
 *  - the network that lockout counts (addr_net()): an IPv4 address is
 *    its own /32, an IPv6 address counts as its /64 (RFC 4291 §2.5.4:
 *    one subnet, which one client usually holds whole);
 *  - networks an administrator names (cidr_parse(), cidr_contains()):
 *    "192.0.2.0/24", "2001:db8::/32", or a bare address for itself.
 * Parsing is strict everywhere: inet_pton(3)'s forms only, no zone
 * ("%eth0"), no port, no brackets, no blanks; an IPv4-mapped IPv6
 * address (::ffff:a.b.c.d, what a server listening on [::] may pass)
 * is its IPv4 address.
 */
#include "config.h"

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "extern.h"

/*
 * Parse the address s[0..n) into a.  Return 0, or -1 (a zeroed) if it
 * is not one address in inet_pton(3)'s strict forms.
 */
int
addr_parse(struct addr *a, const char *s, size_t n)
{
	char		 tmp[INET6_ADDRSTRLEN];
	struct in6_addr	 a6;

	memset(a, 0, sizeof(*a));
	if (s == NULL || n == 0 || n >= sizeof(tmp) ||
	    memchr(s, '\0', n) != NULL)
		return -1;
	memcpy(tmp, s, n);
	tmp[n] = '\0';

	if (inet_pton(AF_INET, tmp, a->b) == 1) {
		a->family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, tmp, &a6) != 1) {
		memset(a, 0, sizeof(*a));
		return -1;
	}
	if (IN6_IS_ADDR_V4MAPPED(&a6)) {
		a->family = AF_INET;
		memcpy(a->b, &a6.s6_addr[12], 4);
	} else {
		a->family = AF_INET6;
		memcpy(a->b, a6.s6_addr, 16);
	}
	return 0;
}

/* The number of bits in an address of family f. */
static unsigned
addr_bits(int f)
{
	return f == AF_INET ? 32 : 128;
}

/*
 * Whether the first plen bits of x and y are equal (both of one
 * family, plen at most its bits).
 */
static int
prefix_eq(const unsigned char *x, const unsigned char *y, unsigned plen)
{
	unsigned	 full = plen / 8, rest = plen % 8;
	unsigned char	 mask;

	if (memcmp(x, y, full) != 0)
		return 0;
	if (rest == 0)
		return 1;
	mask = (unsigned char)(0xff << (8 - rest));
	return (x[full] & mask) == (y[full] & mask);
}

/* Whether every bit of c's address past its prefix is zero. */
static int
host_zero(const struct cidr *c)
{
	unsigned	 i, bits = addr_bits(c->net.family);

	for (i = c->plen; i < bits; i++)
		if (c->net.b[i / 8] & (0x80 >> (i % 8)))
			return 0;
	return 1;
}

/*
 * "address/prefix" (or "address" for its own full-length network)
 * s[0..n) into c: the prefix is decimal without a sign or leading
 * zeros, at most 32 for IPv4 and 128 for IPv6, and the bits past it
 * must be zero ("10.1.2.3/8" is refused, not silently taken for
 * 10.0.0.0/8).  An IPv4-mapped IPv6 network is refused: write the
 * IPv4 one.  Return 0, or -1 (c zeroed) with *why, a static string,
 * saying what is wrong.
 */
int
cidr_parse(struct cidr *c, const char *s, size_t n, const char **why)
{
	const char	*slash;
	size_t		 alen, i;
	unsigned	 plen = 0, bits;

	memset(c, 0, sizeof(*c));
	*why = NULL;
	slash = s != NULL ? memchr(s, '/', n) : NULL;
	alen = slash != NULL ? (size_t)(slash - s) : n;
	if (addr_parse(&c->net, s, alen) == -1) {
		*why = "not an IPv4 or IPv6 address";
		goto bad;
	}
	if (c->net.family == AF_INET && memchr(s, ':', alen) != NULL) {
		*why = "an IPv4-mapped IPv6 network (write the IPv4 one)";
		goto bad;
	}
	bits = addr_bits(c->net.family);
	if (slash == NULL) {
		c->plen = bits;
		return 0;
	}
	/* 1-3 digits, no leading zero but "0" itself. */
	i = alen + 1;
	if (i == n || n - i > 3 || (s[i] == '0' && n - i > 1))
		goto badlen;
	for (; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			goto badlen;
		plen = plen * 10 + (unsigned)(s[i] - '0');
	}
	if (plen > bits)
		goto badlen;
	c->plen = plen;
	if (!host_zero(c)) {
		*why = "address bits set past the prefix length";
		goto bad;
	}
	return 0;
badlen:
	*why = c->net.family == AF_INET ? "prefix length must be 0-32" :
	    "prefix length must be 0-128";
bad:
	memset(c, 0, sizeof(*c));
	return -1;
}

/* Whether the address a is in the network c. */
int
cidr_contains(const struct cidr *c, const struct addr *a)
{
	return a->family == c->net.family &&
	    prefix_eq(a->b, c->net.b, c->plen);
}

/* Whether the networks x and y share an address (one holds the other). */
int
cidr_overlaps(const struct cidr *x, const struct cidr *y)
{
	return x->net.family == y->net.family &&
	    prefix_eq(x->net.b, y->net.b, x->plen < y->plen ? x->plen :
	    y->plen);
}

/*
 * Write c as "address/prefix" into buf (at least ADDR_NET_MAX + 1
 * bytes).  Return 0, or -1 and "".
 */
int
cidr_str(char *buf, size_t bufsz, const struct cidr *c)
{
	size_t	 i;
	int	 n;

	if (bufsz > 0)
		*buf = '\0';
	if (bufsz < ADDR_NET_MAX + 1 || (c->net.family != AF_INET &&
	    c->net.family != AF_INET6) ||
	    inet_ntop(c->net.family, c->net.b, buf, (socklen_t)bufsz) == NULL)
		goto bad;
	i = strlen(buf);
	n = snprintf(buf + i, bufsz - i, "/%u", c->plen);
	if (n < 0 || (size_t)n >= bufsz - i)
		goto bad;
	return 0;
bad:
	if (bufsz > 0)
		*buf = '\0';
	return -1;
}

/*
 * The network lockout counts for the address addr[0..n), into buf (at
 * least ADDR_NET_MAX + 1 bytes), NUL-terminated: "192.0.2.7/32",
 * "2001:db8:1:2::/64".  Return 0, or -1 and "" for anything but one
 * address.
 */
int
addr_net(char *buf, size_t bufsz, const char *addr, size_t n)
{
	struct cidr	 c;

	if (bufsz > 0)
		*buf = '\0';
	if (addr_parse(&c.net, addr, n) == -1)
		return -1;
	if (c.net.family == AF_INET)
		c.plen = 32;
	else {
		c.plen = 64;
		memset(c.net.b + 8, 0, 8);
	}
	return cidr_str(buf, bufsz, &c);
}
