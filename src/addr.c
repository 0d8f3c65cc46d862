/*
 * addr.c: the client's address as the web server delivers it
 * (REMOTE_ADDR, after the server's own trusted-proxy handling: nginx
 * realip, Apache mod_remoteip, lighttpd mod_extforward; Caddy's
 * {client_ip} in a parameter of its own), brought to the network that
 * lockout counts: an IPv4 address is its own /32, an IPv6 address
 * counts as its /64 (RFC 4291 §2.5.4: one subnet, which one client
 * usually holds whole).  Portcullis never parses X-Forwarded-For.
 */
#include "config.h"

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <string.h>

#include "extern.h"

/*
 * The network of the address addr[0..n) into buf (at least
 * ADDR_NET_MAX + 1 bytes), NUL-terminated: "192.0.2.7/32",
 * "2001:db8:1:2::/64".  An IPv4-mapped IPv6 address (::ffff:a.b.c.d,
 * what a server listening on [::] may pass) is its IPv4 address.
 * Strict: inet_pton(3)'s forms only, no zone ("%eth0"), no port, no
 * brackets, no blanks.  Return 0, or -1 and "" for anything else.
 */
int
addr_net(char *buf, size_t bufsz, const char *addr, size_t n)
{
	char		 tmp[INET6_ADDRSTRLEN];
	struct in_addr	 a4;
	struct in6_addr	 a6;
	size_t		 i;

	if (bufsz > 0)
		*buf = '\0';
	if (bufsz < ADDR_NET_MAX + 1 || addr == NULL || n == 0 ||
	    n >= sizeof(tmp) || memchr(addr, '\0', n) != NULL)
		return -1;
	memcpy(tmp, addr, n);
	tmp[n] = '\0';

	if (inet_pton(AF_INET, tmp, &a4) == 1)
		goto v4;
	if (inet_pton(AF_INET6, tmp, &a6) != 1)
		return -1;
	if (IN6_IS_ADDR_V4MAPPED(&a6)) {
		memcpy(&a4, &a6.s6_addr[12], sizeof(a4));
		goto v4;
	}
	for (i = 8; i < 16; i++)
		a6.s6_addr[i] = 0;
	if (inet_ntop(AF_INET6, &a6, buf, (socklen_t)bufsz) == NULL)
		goto bad;
	i = strlen(buf);
	if (i + 3 >= bufsz)
		goto bad;
	memcpy(buf + i, "/64", 4);
	return 0;
v4:
	if (inet_ntop(AF_INET, &a4, buf, (socklen_t)bufsz) == NULL)
		goto bad;
	i = strlen(buf);
	if (i + 3 >= bufsz)
		goto bad;
	memcpy(buf + i, "/32", 4);
	return 0;
bad:
	*buf = '\0';
	return -1;
}
