/* outbox_test.c - contacts file, tar.gz bundle bytes, table writer, and
 * feed_write into a bounded strbuf (the web API's path). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cmocka.h>

#include "core/timeutil.h"
#include "report/contacts.h"
#include "report/outbox.h"
#include "report/feed.h"
#include "report/table.h"
#include "report/targz.h"

/* A symlink planted where a feed goes is replaced, never followed; the
 * feed is 0640 whatever the umask. */
static void atomic_write_replaces_planted_symlink(void **state)
{
	char dir[] = "/tmp/outbox-test.XXXXXX", victim[64], path[64], buf[16] = {0};
	struct stat st;
	struct err err;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(victim, sizeof(victim), "%s/victim", dir);
	snprintf(path, sizeof(path), "%s/64500.csv", dir);
	f = fopen(victim, "w");
	assert_non_null(f);
	fputs("keep", f);
	fclose(f);
	assert_int_equal(symlink(victim, path), 0);
	assert_int_equal(outbox_write_atomic(path, "feed\n", 5, NULL, &err), 0);
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0640);
	f = fopen(victim, "r");
	assert_non_null(f);
	assert_non_null(fgets(buf, sizeof(buf), f));
	fclose(f);
	assert_string_equal(buf, "keep");
	unlink(path);
	unlink(victim);
	rmdir(dir);
}

static void contacts_merge_and_reject(void **state)
{
	const char *text = "asn,email\nAS64500,abuse@a.example\n# note\n64501 , noc@b.example\n64500,second@a.example\n";
	struct err err;
	struct contacts *c;

	(void)state;
	c = contacts_parse(text, strlen(text), "t.csv", &err);
	assert_non_null(c);
	assert_int_equal(contacts_count(c), 2);
	assert_string_equal(contacts_find(c, 64500), "abuse@a.example,second@a.example");
	assert_string_equal(contacts_find(c, 64501), "noc@b.example");
	assert_null(contacts_find(c, 1));
	contacts_free(c);
	/* A second recipient or a header smuggled into an address. */
	assert_null(contacts_parse("1,a@b.example>, c@d\n", 19, "t.csv", &err));
	assert_string_equal(err.msg, "t.csv:1: not a plain e-mail address: a@b.example>");
	assert_null(contacts_parse("x,a@b\n", 6, "t.csv", &err));
	assert_string_equal(err.msg, "t.csv:1: not an AS number: x");
}

/* Inflates a gzip buffer. */
static size_t gunzip(const char *in, size_t n, unsigned char *out, size_t cap)
{
	z_stream z;

	memset(&z, 0, sizeof(z));
	assert_int_equal(inflateInit2(&z, 15 + 16), Z_OK);
	z.next_in = (unsigned char *)(uintptr_t)in;
	z.avail_in = (uInt)n;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	assert_int_equal(inflate(&z, Z_FINISH), Z_STREAM_END);
	inflateEnd(&z);
	return cap - z.avail_out;
}

static void targz_is_reproducible_ustar(void **state)
{
	struct strbuf a, b;
	struct err err;
	unsigned char tar[8192];
	size_t n;
	unsigned sum = 0;

	(void)state;
	for (int round = 0; round < 2; round++) {
		struct strbuf *out = round ? &b : &a;
		struct targz *t;

		strbuf_init(out, 0);
		t = targz_new(out, 1740873600);
		assert_int_equal(targz_add(t, "2025-03-01/MANIFEST.csv", "x,y\r\n", 5, &err), 0);
		assert_int_equal(targz_add(t, "2025-03-01/1.csv", "", 0, &err), 0);
		assert_int_equal(targz_finish(t, &err), 0);
	}
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.data, b.data, a.len);
	n = gunzip(a.data, a.len, tar, sizeof(tar));
	/* header + one data block + header + two end blocks */
	assert_int_equal(n, 512 * 5);
	assert_string_equal((char *)tar, "2025-03-01/MANIFEST.csv");
	assert_memory_equal(tar + 257, "ustar\0" "00", 8);
	assert_int_equal(strtol((char *)tar + 124, NULL, 8), 5);
	assert_int_equal(strtol((char *)tar + 136, NULL, 8), 1740873600);
	for (int i = 0; i < 512; i++)
		sum += (i >= 148 && i < 156) ? ' ' : tar[i];
	assert_int_equal(strtol((char *)tar + 148, NULL, 8), sum);
	assert_memory_equal(tar + 512, "x,y\r\n", 5);
	assert_string_equal((char *)tar + 1024, "2025-03-01/1.csv");
	{
		struct targz *t = targz_new(&a, 0);

		assert_int_not_equal(targz_add(t, "/abs", "", 0, &err), 0);
		targz_abort(t);
	}
	strbuf_free(&a);
	strbuf_free(&b);
}

static void table_three_ways(void **state)
{
	static const struct table_column cols[] = {{"name", TABLE_TEXT, 0}, {"n", TABLE_INT, 0}, {"r", TABLE_REAL, 2}};
	struct table *t = table_new(cols, 3);
	struct strbuf b;

	(void)state;
	table_row(t);
	table_text(t, "a,\"b\"");
	table_int(t, 12);
	table_real(t, 0.125);
	table_row(t);
	table_text(t, "zz");
	table_null(t);
	table_real(t, 3);
	strbuf_init(&b, 0);
	table_write_text(t, &b);
	assert_string_equal(b.data, "name    n     r\n-----  --  ----\na,\"b\"  12  0.12\nzz         3.00\n");
	strbuf_reset(&b);
	table_write_csv(t, &b);
	assert_string_equal(b.data, "name,n,r\r\n\"a,\"\"b\"\"\",12,0.12\r\n\"zz\",,3.00\r\n");
	strbuf_reset(&b);
	table_write_json(t, &b);
	assert_non_null(strstr(b.data, "\"n\": null"));
	assert_non_null(strstr(b.data, "\"r\": 0.125"));
	strbuf_free(&b);
	table_free(t);
}

static void feed_write_into_bounded_strbuf(void **state)
{
	char path[64] = "/tmp/iotmon-feedtest-XXXXXX", side[80];
	struct observation o;
	struct store *s;
	struct strbuf out;
	struct err err;
	int fd = mkstemp(path);
	int64_t day = 20148; /* 2025-03-01 */
	uint32_t asn = 64500;

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	unlink(path);
	s = store_open(path, STORE_CREATE, &err);
	assert_non_null(s);
	for (int i = 0; i < 3; i++) {
		memset(&o, 0, sizeof(o));
		assert_int_equal(ipaddr_parse(i == 0 ? "198.51.100.9" : i == 1 ? "198.51.100.10" : "2001:db8::1",
					      i == 2 ? 11 : 12 + (i == 1), &o.ip),
				 0);
		o.day = day;
		o.first_us = o.last_us = day * US_PER_DAY + 3600 * US_PER_SEC;
		o.kinds = KIND_BIT(EVENT_SCAN);
		o.events = 1;
		o.net.asn = asn;
		snprintf(o.net.cc, sizeof(o.net.cc), "NL");
		snprintf(o.source, sizeof(o.source), "import");
		assert_int_equal(store_upsert_observation(s, &o, &err), 0);
	}
	strbuf_init(&out, 0);
	assert_int_equal(feed_write(s, day, &asn, 1, "json", NULL, &out, &err), 0);
	/* One line per host, in IP-text order: .10 before .9, IPv6 last. */
	assert_non_null(strstr(out.data, "\"source.ip\":\"2001:db8::1\""));
	assert_true(strstr(out.data, "198.51.100.10") < strstr(out.data, "198.51.100.9\""));
	assert_true(strstr(out.data, "198.51.100.9\"") < strstr(out.data, "2001:db8::1"));
	assert_non_null(strstr(out.data, "\"classification.type\":\"scanner\""));
	strbuf_free(&out);
	strbuf_init(&out, 100); /* the ceiling is the caller's: an error, not a cut */
	assert_int_equal(feed_write(s, day, &asn, 1, "csv", NULL, &out, &err), -1);
	assert_string_equal(err.msg, "feed larger than the output allows");
	strbuf_free(&out);
	assert_int_equal(feed_write(s, day, NULL, 0, "pdf", NULL, &out, &err), -1);
	store_close(s);
	unlink(path);
	snprintf(side, sizeof(side), "%s-wal", path);
	unlink(side);
	snprintf(side, sizeof(side), "%s-shm", path);
	unlink(side);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(contacts_merge_and_reject),
		cmocka_unit_test(atomic_write_replaces_planted_symlink),
		cmocka_unit_test(targz_is_reproducible_ustar),
		cmocka_unit_test(table_three_ways),
		cmocka_unit_test(feed_write_into_bounded_strbuf),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
