/* Fuzz target: the query-string parser of the web server, its typed
 * getters and the canonical form the page cache keys on. Whatever the
 * bytes, parsing is bounded, every decoded value is printable ASCII no
 * longer than QUERY_VALUE_MAX, and the canonical form fits its buffer and
 * parses back to itself. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "web/query.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const allowed[] = {"date", "from", "to", "limit", "cursor", "format", "network", NULL};
	struct query q;
	struct err err;
	int64_t day;
	long n;
	const char *fmt;

	if (query_parse((const char *)data, size, &q, &err) != 0)
		return 0;
	if (q.n > QUERY_MAX_PARAMS)
		abort();
	for (size_t i = 0; i < q.n; i++) {
		size_t len = strlen(q.p[i].value);

		if (len > QUERY_VALUE_MAX || !q.p[i].key[0] || query_get(&q, q.p[i].key) != q.p[i].value)
			abort();
		for (size_t j = 0; j < len; j++)
			if (q.p[i].value[j] < 0x20 || q.p[i].value[j] > 0x7e)
				abort();
	}
	(void)query_only(&q, allowed, &err);
	(void)query_day(&q, "date", &day, &err);
	(void)query_int(&q, "limit", 1, 1000, &n, &err);
	(void)query_choice(&q, "format", "csv|json", &fmt, &err);

	static char canon[QUERY_CANONICAL_MAX], again[QUERY_CANONICAL_MAX];
	struct query q2;
	size_t len = query_canonical(&q, allowed, canon);

	if (len >= QUERY_CANONICAL_MAX || strlen(canon) != len)
		abort();
	/* A canonical form is a query too, whenever it is short enough. */
	if (len <= QUERY_MAX_LEN) {
		if (query_parse(canon, len, &q2, &err) != 0)
			abort();
		query_canonical(&q2, allowed, again);
		if (strcmp(canon, again) != 0)
			abort();
	}
	return 0;
}
