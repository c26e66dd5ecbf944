/* range_table_test.c - the range table, checked against libmaxminddb on the
 * same data (an MMDB written from the same ranges), IPv4 and IPv6. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/config.h"
#include "core/strbuf.h"
#include "enrich/mmdb_enricher.h"
#include "enrich/mmdb_writer.h"
#include "enrich/range_table.h"

typedef unsigned __int128 u128;

static struct ipaddr v4(uint32_t x)
{
	struct ipaddr a;

	ipaddr_from_v4(x, &a);
	return a;
}

static struct ipaddr v6(u128 x)
{
	uint8_t b[16];
	struct ipaddr a;

	for (int i = 15; i >= 0; i--, x >>= 8)
		b[i] = (uint8_t)x;
	ipaddr_from_v6(b, &a);
	return a;
}

static struct range_table *load(const char *text, struct range_load_stats *st)
{
	struct range_table *t = range_table_new();

	memset(st, 0, sizeof(*st));
	range_table_load_buf(t, text, strlen(text), "t.csv", st);
	range_table_finish(t);
	return t;
}

static void test_asn_and_country_lines(void **state)
{
	const char *csv = "start,end,asn,org\n"
			  "1.0.0.0,1.0.0.255,13335,\"Cloudflare, Inc.\"\n"
			  "1.0.4.0,1.0.7.255,38803,Gtelecom Pty Ltd\r\n"
			  "16777472,16777727,7,\"Say \"\"hi\"\"\"\n"
			  "2001:200::,2001:200:1b9:ffff:ffff:ffff:ffff:ffff,2500,WIDE Project\n"
			  "42540766411282592856903984951653826560,42540766411282592856903984951653826815,9,num6\n"
			  "2.0.0.0,2.0.0.255,NL\n";
	struct range_load_stats st;
	struct range_table *t = load(csv, &st);
	struct enrichment e;
	struct ipaddr a;

	(void)state;
	assert_int_equal(st.bad, 0);
	assert_int_equal(st.ranges, 6);
	assert_int_equal(range_table_count(t), 6);

	memset(&e, 0, sizeof(e));
	assert_true(range_table_lookup(t, &(struct ipaddr){0}, &e) == false);
	a = v4(0x01000080); /* 1.0.0.128 */
	assert_true(range_table_lookup(t, &a, &e));
	assert_int_equal(e.asn, 13335);
	assert_string_equal(e.as_name, "Cloudflare, Inc.");
	assert_string_equal(e.cc, "");
	a = v4(0x01000100); /* 1.0.1.0: numeric range */
	memset(&e, 0, sizeof(e));
	assert_true(range_table_lookup(t, &a, &e));
	assert_string_equal(e.as_name, "Say \"hi\"");
	a = v4(0x01000300); /* 1.0.3.0: a gap */
	assert_false(range_table_lookup(t, &a, &e));
	a = v4(0x010007ff);
	memset(&e, 0, sizeof(e));
	assert_true(range_table_lookup(t, &a, &e));
	assert_int_equal(e.asn, 38803);
	a = v4(0x02000001);
	memset(&e, 0, sizeof(e));
	assert_true(range_table_lookup(t, &a, &e));
	assert_string_equal(e.cc, "NL");
	assert_int_equal(e.asn, 0);

	assert_int_equal(ipaddr_parse("2001:200:1b9::1", 15, &a), 0);
	memset(&e, 0, sizeof(e));
	assert_true(range_table_lookup(t, &a, &e));
	assert_int_equal(e.asn, 2500);
	assert_int_equal(ipaddr_parse("2001:db8::80", 12, &a), 0); /* = the numeric range */
	memset(&e, 0, sizeof(e));
	assert_true(range_table_lookup(t, &a, &e));
	assert_int_equal(e.asn, 9);
	assert_int_equal(ipaddr_parse("2001:db8::100", 13, &a), 0);
	assert_false(range_table_lookup(t, &a, &e));
	range_table_free(t);
}

static void test_bad_lines_and_overlaps(void **state)
{
	const char *csv = "1.0.0.0,1.0.0.255,13335,A\n"
			  "1.0.0.9,banana,1,B\n"		     /* line 2 */
			  "1.0.1.0,1.0.0.0,1,C\n"		     /* start after end */
			  "1.0.2.0,1.0.2.255,0,D\n"		     /* AS 0 */
			  "1.0.3.0,1.0.3.255,\"unterminated\n" /* quote */
			  "1.0.0.128,1.0.1.127,64500,E\n"	     /* overlaps A */
			  "1.0.4.0,1.0.4.255,nl\n"		     /* lower-case cc */
			  "1.0.5.0,::1,1,F\n";		     /* mixed families */
	struct range_load_stats st;
	struct range_table *t = load(csv, &st);
	struct enrichment e;
	struct ipaddr a;

	(void)state;
	assert_int_equal(st.lines, 8);
	assert_int_equal(st.ranges, 2);
	assert_int_equal(st.bad, 6);
	assert_string_equal(st.first_bad, "t.csv:2: not an address range");
	memset(&st, 0, sizeof(st));
	range_table_free(t);
	t = range_table_new();
	range_table_load_buf(t, "1.0.5.0,::1:0:0,1,F\n", 20, "m.csv", &st);
	assert_string_equal(st.first_bad, "m.csv:1: start and end of different families");
	range_table_load_buf(t, "16777216,42540766411282592856903984951653826560,2,G\n", 52, "n.csv", &st);
	assert_int_equal(st.bad, 1); /* a numeric IPv6 range may start low */
	range_table_finish(t);
	a = v4(0x01000000);
	memset(&e, 0, sizeof(e));
	assert_false(range_table_lookup(t, &a, &e)); /* it is ::1.0.0.0, not 1.0.0.0 */
	range_table_free(t);
	t = load(csv, &st);
	a = v4(0x01000080);
	memset(&e, 0, sizeof(e));
	assert_true(range_table_lookup(t, &a, &e));
	assert_int_equal(e.asn, 13335); /* the earlier range keeps its addresses */
	a = v4(0x01000100);
	memset(&e, 0, sizeof(e));
	assert_true(range_table_lookup(t, &a, &e));
	assert_int_equal(e.asn, 64500); /* the clipped rest */
	range_table_free(t);
}

/* Random non-overlapping ranges, written as CSV (textual and numeric
 * alternately) and as an MMDB; then the same random addresses asked of both. */
static uint64_t rng = 88172645463325252ULL;
static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

#define NRANGES 5000 /* above IDX4_MIN: the bucket index is used */

static int count_range(const struct ipaddr *a, const struct ipaddr *b, const struct enrichment *e, void *arg)
{
	size_t *n = arg;

	assert_true(ipaddr_compare(a, b) <= 0);
	assert_true(e->asn != 0 || e->cc[0] != '\0');
	(*n)++;
	return 0;
}

static void test_against_libmaxminddb(void **state)
{
	char dir[] = "/tmp/iotmon-rt.XXXXXX", path[128];
	struct mmdb_writer *w = mmdb_writer_new("test-ASN-country", 1781725900);
	struct range_table *t = range_table_new();
	struct mmdb_enricher *m;
	struct range_load_stats st;
	struct strbuf csv;
	struct err err;
	uint32_t lo4[NRANGES], hi4[NRANGES];
	u128 lo6[NRANGES], hi6[NRANGES];
	uint32_t x4 = 0x01000000;
	u128 x6 = (u128)0x20010000 << 96;
	size_t found = 0, asked = 0;

	(void)state;
	assert_non_null(mkdtemp(dir));
	strbuf_init(&csv, 0);
	for (int i = 0; i < NRANGES; i++) {
		char name[64], cc[3], s[IPADDR_STRLEN], e[IPADDR_STRLEN];
		uint32_t asn = (uint32_t)(next() % 400000) + 1;
		struct ipaddr a, b;

		snprintf(name, sizeof(name), "Net %u, \"%c\"", asn, 'A' + (int)(asn % 26));
		cc[0] = (char)('A' + next() % 26);
		cc[1] = (char)('A' + next() % 26);
		cc[2] = '\0';
		/* IPv4: a gap, then a range of 1 to 2^20 addresses. */
		x4 += (uint32_t)(next() % 100000);
		lo4[i] = x4;
		x4 += (uint32_t)(next() % (1u << (next() % 21)));
		hi4[i] = x4++;
		a = v4(lo4[i]);
		b = v4(hi4[i]);
		assert_int_equal(mmdb_writer_add_range(w, &a, &b, asn, name, NULL), 0);
		if (i % 2) {
			strbuf_printf(&csv, "%u,%u,%u,\"Net %u, \"\"%c\"\"\"\n", lo4[i], hi4[i], asn, asn,
				      'A' + (int)(asn % 26));
		} else {
			ipaddr_format(&a, s);
			ipaddr_format(&b, e);
			strbuf_printf(&csv, "%s,%s,%u,\"Net %u, \"\"%c\"\"\"\n", s, e, asn, asn, 'A' + (int)(asn % 26));
		}
		/* IPv6: ranges of up to 2^64 addresses; country only. */
		x6 += (u128)(next() % 1000000) << 64 | next();
		lo6[i] = x6;
		x6 += (u128)(next() % 3) << 64 | (next() >> (next() % 64));
		hi6[i] = x6++;
		a = v6(lo6[i]);
		b = v6(hi6[i]);
		assert_int_equal(mmdb_writer_add_range(w, &a, &b, 0, NULL, cc), 0);
		ipaddr_format(&a, s);
		ipaddr_format(&b, e);
		strbuf_printf(&csv, "%s,%s,%s\n", s, e, cc);
	}
	snprintf(path, sizeof(path), "%s/t.mmdb", dir);
	assert_int_equal(mmdb_writer_write(w, path, &err), 0);
	mmdb_writer_free(w);
	m = mmdb_enricher_open(path, "autonomous_system_number", "autonomous_system_organization", "country_code",
			       &err);
	if (!m)
		fail_msg("%s", err.msg);
	assert_int_equal(mmdb_enricher_build_us(m), 1781725900LL * 1000000);
	unlink(path);
	rmdir(dir);

	memset(&st, 0, sizeof(st));
	range_table_load_buf(t, csv.data, csv.len, "gen.csv", &st);
	assert_int_equal(st.bad, 0);
	assert_int_equal(range_table_finish(t), 0);
	assert_int_equal(range_table_count(t), 2 * NRANGES);

	for (int i = 0; i < 200000; i++) {
		const struct enricher *enr = mmdb_enricher_get(m);
		struct enrichment r, q;
		struct ipaddr a;
		int k = (int)(next() % NRANGES);

		/* Edges, insides and gaps of a random range. */
		switch (i % 6) {
		case 0: a = v4(lo4[k]); break;
		case 1: a = v4(hi4[k]); break;
		case 2: a = v4(lo4[k] - 1); break;
		case 3: a = v4(lo4[k] + (uint32_t)(next() % (hi4[k] - lo4[k] + 1))); break;
		case 4: a = v6(i % 12 == 4 ? lo6[k] - 1 : hi6[k] + (i % 24 == 10)); break;
		default: a = v6(lo6[k] + (u128)next() % (hi6[k] - lo6[k] + 1)); break;
		}
		memset(&r, 0, sizeof(r));
		memset(&q, 0, sizeof(q));
		bool hit = range_table_lookup(t, &a, &r);
		enr->lookup(enr, &a, &q);
		asked++;
		found += hit;
		if (r.asn != q.asn || strcmp(r.as_name, q.as_name) || strcmp(r.cc, q.cc) || hit != (q.data_time_us != 0)) {
			char text[IPADDR_STRLEN];

			ipaddr_format(&a, text);
			fail_msg("%s: table AS%u \"%s\" %s, mmdb AS%u \"%s\" %s", text, r.asn, r.as_name, r.cc, q.asn,
				 q.as_name, q.cc);
		}
	}
	/* Export gives back every range, in order. */
	size_t each = 0;
	assert_int_equal(range_table_each(t, count_range, &each), 0);
	assert_int_equal(each, 2 * NRANGES);
	/* Most questions hit a range, the gap ones do not. */
	assert_true(found > asked / 2 && found < asked);
	mmdb_enricher_close(m);
	range_table_free(t);
	strbuf_free(&csv);
}

/* The default record paths read every layout the issue names. */
static void test_mmdb_layouts(void **state)
{
	static const enum mmdb_layout layouts[] = {MMDB_LAYOUT_IPLOCATIONDB, MMDB_LAYOUT_GEOLITE2, MMDB_LAYOUT_IPINFO};
	struct config *cfg = config_load_string("", "defaults", NULL);
	struct ipaddr a, b;
	struct err err;

	(void)state;
	assert_non_null(cfg);
	for (size_t i = 0; i < sizeof(layouts) / sizeof(layouts[0]); i++) {
		char dir[] = "/tmp/iotmon-mmdb.XXXXXX", path[64];
		struct mmdb_writer *w = mmdb_writer_new("layout-test", 1700000000);
		struct mmdb_enricher *m;
		struct enrichment e;

		assert_non_null(mkdtemp(dir));
		snprintf(path, sizeof(path), "%s/t.mmdb", dir);
		mmdb_writer_layout(w, layouts[i]);
		assert_int_equal(ipaddr_parse("192.0.2.0", 9, &a), 0);
		assert_int_equal(ipaddr_parse("192.0.2.255", 11, &b), 0);
		assert_int_equal(mmdb_writer_add_range(w, &a, &b, 64500, "Example Net", "NL"), 0);
		assert_int_equal(ipaddr_parse("2001:db8::", 10, &a), 0);
		assert_int_equal(ipaddr_parse("2001:db8::ffff", 14, &b), 0);
		assert_int_equal(mmdb_writer_add_range(w, &a, &b, 4200000000u, "Six", "DE"), 0);
		assert_int_equal(mmdb_writer_write(w, path, &err), 0);
		mmdb_writer_free(w);
		m = mmdb_enricher_open(path, config_str(cfg, "enrich", "mmdb_asn_paths"),
				       config_str(cfg, "enrich", "mmdb_as_name_paths"),
				       config_str(cfg, "enrich", "mmdb_cc_paths"), &err);
		assert_non_null(m);
		unlink(path);
		rmdir(dir);

		assert_int_equal(ipaddr_parse("192.0.2.9", 9, &a), 0);
		memset(&e, 0, sizeof(e));
		mmdb_enricher_get(m)->lookup(mmdb_enricher_get(m), &a, &e);
		assert_int_equal(e.asn, 64500);
		assert_string_equal(e.as_name, "Example Net");
		assert_string_equal(e.cc, "NL");
		assert_int_equal(e.data_time_us, 1700000000LL * 1000000);
		assert_int_equal(ipaddr_parse("2001:db8::1", 11, &a), 0);
		memset(&e, 0, sizeof(e));
		mmdb_enricher_get(m)->lookup(mmdb_enricher_get(m), &a, &e);
		assert_int_equal(e.asn, 4200000000u);
		assert_string_equal(e.cc, "DE");
		assert_int_equal(ipaddr_parse("198.51.100.1", 12, &a), 0);
		memset(&e, 0, sizeof(e));
		mmdb_enricher_get(m)->lookup(mmdb_enricher_get(m), &a, &e);
		assert_int_equal(e.asn, 0);
		assert_int_equal(e.data_time_us, 0);
		mmdb_enricher_close(m);
	}
	config_free(cfg);
}

/* The real ip-location-db files, when `make data` has put them in place. */
static void test_real_data(void **state)
{
	struct range_table *t;
	struct mmdb_enricher *m;
	struct range_load_stats st;
	struct enrichment e;
	struct ipaddr a;
	struct err err;
	struct stat sb;

	(void)state;
	if (stat("data/ipdb/asn-ipv4.csv", &sb) || stat("data/ipdb/asn-ipv6.csv", &sb) ||
	    stat("data/ipdb/geo-whois-asn-country.mmdb", &sb))
		skip();
	t = range_table_new();
	memset(&st, 0, sizeof(st));
	assert_int_equal(range_table_load_file(t, "data/ipdb/asn-ipv4.csv", &st, &err), 0);
	assert_int_equal(range_table_load_file(t, "data/ipdb/asn-ipv6.csv", &st, &err), 0);
	range_table_finish(t);
	assert_int_equal(st.bad, 0);
	assert_true(range_table_count(t) > 100000);
	/* Public resolvers whose networks are stable facts. */
	assert_int_equal(ipaddr_parse("8.8.8.8", 7, &a), 0);
	memset(&e, 0, sizeof(e));
	assert_true(range_table_lookup(t, &a, &e));
	assert_int_equal(e.asn, 15169);
	assert_int_equal(ipaddr_parse("2606:4700:4700::1111", 20, &a), 0);
	memset(&e, 0, sizeof(e));
	assert_true(range_table_lookup(t, &a, &e));
	assert_int_equal(e.asn, 13335);
	m = mmdb_enricher_open("data/ipdb/geo-whois-asn-country.mmdb", "", "", "country_code", &err);
	assert_non_null(m);
	assert_int_equal(ipaddr_parse("145.94.1.1", 10, &a), 0); /* TU Delft */
	memset(&e, 0, sizeof(e));
	mmdb_enricher_get(m)->lookup(mmdb_enricher_get(m), &a, &e);
	assert_string_equal(e.cc, "NL");
	assert_true(e.data_time_us > 1577836800LL * 1000000); /* built after 2020 */
	mmdb_enricher_close(m);
	range_table_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_asn_and_country_lines),
		cmocka_unit_test(test_bad_lines_and_overlaps),
		cmocka_unit_test(test_against_libmaxminddb),
		cmocka_unit_test(test_mmdb_layouts),
		cmocka_unit_test(test_real_data),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
