/*
 * fuzz_addr.c: addr_net() (src/addr.c) over REMOTE_ADDR, the network
 * that lockout counts.  Properties:
 *  - it accepts exactly what inet_pton(3) reads as an IPv4 or IPv6
 *    address (no NUL, no zone, port, brackets or blanks);
 *  - an accepted IPv4 address, or IPv4-mapped IPv6 one, gives
 *    "a.b.c.d/32" of the same four bytes; any other IPv6 address its
 *    /64: the same first 8 bytes, the rest zero;
 *  - addr_net() of the result's address part gives the result back
 *    unchanged (a network is its own network);
 *  - a refusal, or a buffer too small, leaves "" and nothing past it.
 * And cidr_parse() over the same bytes, a network an administrator
 * names: it succeeds exactly when it gives no reason; an accepted
 * network holds its own address, has no bit set past its prefix, and
 * cidr_str() of it parses back to the same network.
 */
#include "config.h"

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <string.h>

#include "extern.h"
#include "fuzz.h"

static void
cidr_props(const char *raw, size_t size)
{
	struct cidr	 c, back;
	const char	*why;
	char		 str[ADDR_NET_MAX + 1];
	unsigned	 i, bits;
	int		 rc;

	rc = cidr_parse(&c, raw, size, &why);
	PROPERTY((rc == 0) == (why == NULL));
	if (rc == -1) {
		PROPERTY(c.net.family == 0 && c.plen == 0);
		return;
	}
	bits = c.net.family == AF_INET ? 32 : 128;
	PROPERTY(c.net.family == AF_INET || c.net.family == AF_INET6);
	PROPERTY(c.plen <= bits);
	for (i = c.plen; i < bits; i++)
		PROPERTY((c.net.b[i / 8] & (0x80 >> (i % 8))) == 0);
	PROPERTY(cidr_contains(&c, &c.net) == 1);
	PROPERTY(cidr_overlaps(&c, &c) == 1);
	PROPERTY(cidr_str(str, sizeof(str), &c) == 0);
	PROPERTY(cidr_parse(&back, str, strlen(str), &why) == 0);
	PROPERTY(back.net.family == c.net.family && back.plen == c.plen &&
	    memcmp(back.net.b, c.net.b, sizeof(c.net.b)) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*raw = (const char *)data;
	char		 net[ADDR_NET_MAX + 1], again[ADDR_NET_MAX + 1];
	char		 str[INET6_ADDRSTRLEN + 1], *small;
	struct in_addr	 a4, n4;
	struct in6_addr	 a6, n6;
	size_t		 n;
	int		 rc, v4 = 0, v6 = 0;

	if (size < sizeof(str) && memchr(raw, '\0', size) == NULL) {
		memcpy(str, raw, size);
		str[size] = '\0';
		v4 = inet_pton(AF_INET, str, &a4) == 1;
		v6 = !v4 && inet_pton(AF_INET6, str, &a6) == 1;
	}
	cidr_props(raw, size);
	rc = addr_net(net, sizeof(net), raw, size);
	PROPERTY(rc == 0 || rc == -1);
	PROPERTY((rc == 0) == (v4 || v6));
	if (rc == -1) {
		PROPERTY(net[0] == '\0');
		return 0;
	}
	n = strlen(net);
	PROPERTY(n > 3 && n <= ADDR_NET_MAX && net[n - 3] == '/');
	if (v6 && IN6_IS_ADDR_V4MAPPED(&a6)) {
		memcpy(&a4, &a6.s6_addr[12], sizeof(a4));
		v4 = 1;
	}
	memcpy(str, net, n - 3);
	str[n - 3] = '\0';
	if (v4) {
		PROPERTY(strcmp(net + n - 3, "/32") == 0);
		PROPERTY(inet_pton(AF_INET, str, &n4) == 1);
		PROPERTY(memcmp(&n4, &a4, sizeof(a4)) == 0);
	} else {
		PROPERTY(strcmp(net + n - 3, "/64") == 0);
		PROPERTY(inet_pton(AF_INET6, str, &n6) == 1);
		PROPERTY(!IN6_IS_ADDR_V4MAPPED(&n6));
		PROPERTY(memcmp(&n6, &a6, 8) == 0);
		PROPERTY(memcmp(&n6.s6_addr[8], "\0\0\0\0\0\0\0\0", 8) == 0);
	}
	PROPERTY(addr_net(again, sizeof(again), str, n - 3) == 0);
	PROPERTY(strcmp(again, net) == 0);

	if ((small = malloc(ADDR_NET_MAX)) == NULL)
		abort();
	PROPERTY(addr_net(small, ADDR_NET_MAX, raw, size) == -1 &&
	    small[0] == '\0');
	free(small);
	return 0;
}
