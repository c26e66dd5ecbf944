/* Unit tests for the line reader: plain and gzip input, CRLF, a last line
 * without newline, and over-long lines skipped with their number. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "ingest/line_reader.h"

static char path[64];

static void write_plain(const char *data, size_t n)
{
	FILE *f = fopen(path, "wb");

	fwrite(data, 1, n, f);
	fclose(f);
}

static void write_gzip(const char *data, size_t n)
{
	gzFile g = gzopen(path, "wb");

	gzwrite(g, data, (unsigned)n);
	gzclose(g);
}

/* Reads everything; returns lines joined by '|' and errors counted. */
static char *read_all(size_t max_line, int *errors)
{
	static char out[4096];
	struct line_reader *r;
	struct err err;
	const char *line;
	size_t len;
	int rc;

	out[0] = '\0';
	*errors = 0;
	r = line_reader_open(path, max_line, &err);
	assert_non_null(r);
	while ((rc = line_reader_next(r, &line, &len, &err)) != 0) {
		if (rc < 0) {
			(*errors)++;
			assert_non_null(strstr(err.msg, "longer than"));
			continue;
		}
		strncat(out, line, len);
		strcat(out, "|");
	}
	line_reader_close(r);
	return out;
}

static void test_plain_and_gzip_read_the_same(void **state)
{
	const char data[] = "one\r\ntwo\n\nthree";
	int errors;

	(void)state;
	snprintf(path, sizeof(path), "/tmp/iotmon-lr-%d", (int)getpid());
	write_plain(data, sizeof(data) - 1);
	assert_string_equal(read_all(100, &errors), "one|two||three|");
	write_gzip(data, sizeof(data) - 1);
	assert_string_equal(read_all(100, &errors), "one|two||three|");
	assert_int_equal(errors, 0);
	unlink(path);
}

static void test_long_lines_are_skipped_not_kept(void **state)
{
	size_t n = 3 * 300000 + 100;
	char *data = malloc(n), *p = data;
	struct line_reader *r;
	struct err err;
	const char *line;
	size_t len;
	int errors;

	(void)state;
	snprintf(path, sizeof(path), "/tmp/iotmon-lr-%d", (int)getpid());
	p += sprintf(p, "a\n");
	memset(p, 'x', 600000); /* longer than one read chunk */
	p += 600000;
	p += sprintf(p, "\nb\n");
	memset(p, 'y', 50);
	p += 50;
	p += sprintf(p, "\nc");
	write_gzip(data, (size_t)(p - data));
	assert_string_equal(read_all(40, &errors), "a|b|c|");
	assert_int_equal(errors, 2);
	/* The error names the line. */
	r = line_reader_open(path, 40, &err);
	assert_int_equal(line_reader_next(r, &line, &len, &err), 1);
	assert_int_equal(line_reader_next(r, &line, &len, &err), -1);
	assert_non_null(strstr(err.msg, ":2: line longer than 40 bytes"));
	assert_int_equal(line_reader_next(r, &line, &len, &err), 1);
	assert_int_equal(line_reader_lineno(r), 3);
	line_reader_close(r);
	free(data);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_and_gzip_read_the_same),
		cmocka_unit_test(test_long_lines_are_skipped_not_kept),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
