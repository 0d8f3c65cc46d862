/*
 * check_addr.c: addresses and named networks (addr.c), one row per
 * case: what parses, to which family and bytes, which strings are
 * refused and with which reason, and which addresses a network holds.
 * (The lockout network, addr_net(), is in check_state.c.)
 */
#include "config.h"

#include <sys/socket.h>

#include <stdio.h>
#include <string.h>

#include <check.h>

#include "extern.h"
#include "testlib.h"

#define B(s)	(s), sizeof(s) - 1

/* Strings that are one address, and their canonical network. */
static const struct {
	const char	*in;
	size_t		 n;
	int		 family;
	const char	*str;	/* cidr_str() of the bare address */
} addrs[] = {
	{ B("192.0.2.7"),		AF_INET,  "192.0.2.7/32" },
	{ B("0.0.0.0"),			AF_INET,  "0.0.0.0/32" },
	{ B("255.255.255.255"),		AF_INET,  "255.255.255.255/32" },
	{ B("::ffff:192.0.2.7"),	AF_INET,  "192.0.2.7/32" },
	{ B("2001:db8::1"),		AF_INET6, "2001:db8::1/128" },
	{ B("2001:DB8:0:0:0:0:0:1"),	AF_INET6, "2001:db8::1/128" },
	{ B("::1"),			AF_INET6, "::1/128" },
	{ B("::"),			AF_INET6, "::/128" },
};

/* Strings that are not one address. */
static const struct {
	const char	*in;
	size_t		 n;
} notaddrs[] = {
	{ B("") },
	{ B(" 192.0.2.7") },
	{ B("192.0.2.7 ") },
	{ B("192.0.2.7:80") },
	{ B("[2001:db8::1]") },
	{ B("fe80::1%eth0") },
	{ B("192.0.2") },
	{ B("192.0.2.256") },
	{ B("192.000.2.7") },
	{ B("0x7f.0.0.1") },
	{ B("192.0.2.7\0") },
	{ B("192.0.2.0/24") },
	{ B("2001:db8::1::2") },
	{ B("localhost") },
};

START_TEST(test_addr_parse)
{
	struct addr	 a;
	struct cidr	 c;
	char		 buf[ADDR_NET_MAX + 1];

	ck_assert_int_eq(addr_parse(&a, addrs[_i].in, addrs[_i].n), 0);
	ck_assert_int_eq(a.family, addrs[_i].family);
	c.net = a;
	c.plen = a.family == AF_INET ? 32 : 128;
	ck_assert_int_eq(cidr_str(buf, sizeof(buf), &c), 0);
	ck_assert_str_eq(buf, addrs[_i].str);
}
END_TEST

START_TEST(test_addr_parse_bad)
{
	struct addr	 a;

	memset(&a, 0x5a, sizeof(a));
	ck_assert_int_eq(addr_parse(&a, notaddrs[_i].in, notaddrs[_i].n), -1);
	ck_assert_int_eq(a.family, 0);
}
END_TEST

START_TEST(test_addr_parse_null)
{
	struct addr	 a;

	ck_assert_int_eq(addr_parse(&a, NULL, 0), -1);
}
END_TEST

/* Networks: what each string gives, or why it is refused. */
static const struct {
	const char	*in;
	size_t		 n;
	const char	*str;	/* cidr_str(), or NULL if refused */
	const char	*why;	/* the reason if refused */
} cidrs[] = {
	{ B("192.0.2.0/24"),	"192.0.2.0/24", NULL },
	{ B("10.0.0.0/8"),	"10.0.0.0/8", NULL },
	{ B("0.0.0.0/0"),	"0.0.0.0/0", NULL },
	{ B("192.0.2.7/32"),	"192.0.2.7/32", NULL },
	{ B("192.0.2.7"),	"192.0.2.7/32", NULL },
	{ B("192.0.2.128/25"),	"192.0.2.128/25", NULL },
	{ B("2001:db8::/32"),	"2001:db8::/32", NULL },
	{ B("2001:db8::/128"),	"2001:db8::/128", NULL },
	{ B("::/0"),		"::/0", NULL },
	{ B("2001:db8:0:1::/64"), "2001:db8:0:1::/64", NULL },
	{ B("fe80::/10"),	"fe80::/10", NULL },
	{ B("10.1.2.3/8"),	NULL, "address bits set past the prefix length" },
	{ B("192.0.2.129/25"),	NULL, "address bits set past the prefix length" },
	{ B("2001:db8::1/64"),	NULL, "address bits set past the prefix length" },
	{ B("fe81::/10"),	NULL, "address bits set past the prefix length" },
	{ B("192.0.2.0/33"),	NULL, "prefix length must be 0-32" },
	{ B("192.0.2.0/"),	NULL, "prefix length must be 0-32" },
	{ B("192.0.2.0/024"),	NULL, "prefix length must be 0-32" },
	{ B("192.0.2.0/+24"),	NULL, "prefix length must be 0-32" },
	{ B("192.0.2.0/2 4"),	NULL, "prefix length must be 0-32" },
	{ B("192.0.2.0/24/8"),	NULL, "prefix length must be 0-32" },
	{ B("192.0.2.0/1000"),	NULL, "prefix length must be 0-32" },
	{ B("2001:db8::/129"),	NULL, "prefix length must be 0-128" },
	{ B("2001:db8::/00"),	NULL, "prefix length must be 0-128" },
	{ B("::ffff:192.0.2.0/120"), NULL,
	    "an IPv4-mapped IPv6 network (write the IPv4 one)" },
	{ B("::ffff:192.0.2.7"), NULL,
	    "an IPv4-mapped IPv6 network (write the IPv4 one)" },
	{ B(""),		NULL, "not an IPv4 or IPv6 address" },
	{ B("/24"),		NULL, "not an IPv4 or IPv6 address" },
	{ B("192.0.2/24"),	NULL, "not an IPv4 or IPv6 address" },
	{ B("any"),		NULL, "not an IPv4 or IPv6 address" },
	{ B(" 10.0.0.0/8"),	NULL, "not an IPv4 or IPv6 address" },
	{ B("10.0.0.0\0/8"),	NULL, "not an IPv4 or IPv6 address" },
};

START_TEST(test_cidr_parse)
{
	struct cidr	 c;
	const char	*why = "unset";
	char		 buf[ADDR_NET_MAX + 1];
	int		 rc;

	rc = cidr_parse(&c, cidrs[_i].in, cidrs[_i].n, &why);
	if (cidrs[_i].str == NULL) {
		ck_assert_int_eq(rc, -1);
		ck_assert_ptr_nonnull(why);
		ck_assert_str_eq(why, cidrs[_i].why);
		ck_assert_int_eq(c.net.family, 0);
		ck_assert_uint_eq(c.plen, 0);
		return;
	}
	ck_assert_int_eq(rc, 0);
	ck_assert_ptr_null(why);
	ck_assert_int_eq(cidr_str(buf, sizeof(buf), &c), 0);
	ck_assert_str_eq(buf, cidrs[_i].str);
}
END_TEST

/* Which addresses each network holds. */
static const struct {
	const char	*net;
	const char	*addr;
	int		 in;
} holds[] = {
	{ "192.0.2.0/24",	"192.0.2.0",		1 },
	{ "192.0.2.0/24",	"192.0.2.255",		1 },
	{ "192.0.2.0/24",	"192.0.3.0",		0 },
	{ "192.0.2.0/24",	"192.0.1.255",		0 },
	{ "192.0.2.128/25",	"192.0.2.127",		0 },
	{ "192.0.2.128/25",	"192.0.2.128",		1 },
	{ "10.0.0.0/8",		"10.255.255.255",	1 },
	{ "10.0.0.0/8",		"11.0.0.0",		0 },
	{ "10.0.0.0/8",		"::ffff:10.1.2.3",	1 },
	{ "0.0.0.0/0",		"203.0.113.9",		1 },
	{ "0.0.0.0/0",		"2001:db8::1",		0 },
	{ "::/0",		"2001:db8::1",		1 },
	{ "::/0",		"192.0.2.1",		0 },
	{ "::/0",		"::ffff:192.0.2.1",	0 },
	{ "192.0.2.7",		"192.0.2.7",		1 },
	{ "192.0.2.7",		"192.0.2.8",		0 },
	{ "2001:db8::/32",	"2001:db8:ffff::1",	1 },
	{ "2001:db8::/32",	"2001:db9::1",		0 },
	{ "fe80::/10",		"febf::1",		1 },
	{ "fe80::/10",		"fec0::1",		0 },
	{ "2001:db8::1",	"2001:db8::1",		1 },
	{ "2001:db8::1",	"2001:db8::2",		0 },
};

START_TEST(test_cidr_contains)
{
	struct cidr	 c;
	struct addr	 a;
	const char	*why;

	ck_assert_int_eq(cidr_parse(&c, holds[_i].net, strlen(holds[_i].net),
	    &why), 0);
	ck_assert_int_eq(addr_parse(&a, holds[_i].addr,
	    strlen(holds[_i].addr)), 0);
	ck_assert_int_eq(cidr_contains(&c, &a), holds[_i].in);
}
END_TEST

/* Which pairs of networks share an address (both orders are tried). */
static const struct {
	const char	*x;
	const char	*y;
	int		 overlap;
} overlaps[] = {
	{ "10.0.0.0/8",		"10.1.0.0/16",		1 },
	{ "10.0.0.0/8",		"10.0.0.0/8",		1 },
	{ "10.0.0.0/8",		"11.0.0.0/8",		0 },
	{ "192.0.2.0/25",	"192.0.2.128/25",	0 },
	{ "192.0.2.0/24",	"192.0.2.128/25",	1 },
	{ "0.0.0.0/0",		"192.0.2.7",		1 },
	{ "0.0.0.0/0",		"::/0",			0 },
	{ "2001:db8::/32",	"2001:db8:1::/48",	1 },
	{ "2001:db8::/48",	"2001:db8:1::/48",	0 },
};

START_TEST(test_cidr_overlaps)
{
	struct cidr	 x, y;
	const char	*why;

	ck_assert_int_eq(cidr_parse(&x, overlaps[_i].x,
	    strlen(overlaps[_i].x), &why), 0);
	ck_assert_int_eq(cidr_parse(&y, overlaps[_i].y,
	    strlen(overlaps[_i].y), &why), 0);
	ck_assert_int_eq(cidr_overlaps(&x, &y), overlaps[_i].overlap);
	ck_assert_int_eq(cidr_overlaps(&y, &x), overlaps[_i].overlap);
}
END_TEST

/* cidr_str() into too small a buffer, or of a zeroed network. */
START_TEST(test_cidr_str_bad)
{
	struct cidr	 c;
	const char	*why;
	char		 buf[ADDR_NET_MAX + 1];

	ck_assert_int_eq(cidr_parse(&c, B("192.0.2.0/24"), &why), 0);
	memset(buf, 'Z', sizeof(buf));
	ck_assert_int_eq(cidr_str(buf, ADDR_NET_MAX, &c), -1);
	ck_assert_int_eq(buf[0], '\0');
	memset(&c, 0, sizeof(c));
	ck_assert_int_eq(cidr_str(buf, sizeof(buf), &c), -1);
	ck_assert_str_eq(buf, "");
}
END_TEST

static Suite *
addr_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("addr");
	tc = tcase_create("addr_parse");
	tcase_add_loop_test(tc, test_addr_parse, 0, nitems(addrs));
	tcase_add_loop_test(tc, test_addr_parse_bad, 0, nitems(notaddrs));
	tcase_add_test(tc, test_addr_parse_null);
	suite_add_tcase(s, tc);
	tc = tcase_create("cidr");
	tcase_add_loop_test(tc, test_cidr_parse, 0, nitems(cidrs));
	tcase_add_loop_test(tc, test_cidr_contains, 0, nitems(holds));
	tcase_add_loop_test(tc, test_cidr_overlaps, 0, nitems(overlaps));
	tcase_add_test(tc, test_cidr_str_bad);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return run_suite(addr_suite());
}
