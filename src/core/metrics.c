/* metrics.c - the registry behind metrics.h: a fixed table, a mutex for
 * registration only, atomics for values. */
#include "metrics.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

struct metric {
	char name[64];
	char labels[128];
	char help[160];
	enum metric_type type;
	int64_t value;
};

static struct metric table[METRICS_MAX];
static int count; /* read with __atomic, grown under lock */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

struct metric *metric_get(const char *name, const char *labels, enum metric_type type, const char *help)
{
	struct metric *m = NULL;
	int n;

	labels = labels ? labels : "";
	pthread_mutex_lock(&lock);
	n = count;
	for (int i = 0; i < n; i++)
		if (strcmp(table[i].name, name) == 0 && strcmp(table[i].labels, labels) == 0) {
			m = &table[i];
			break;
		}
	if (!m && n < METRICS_MAX) {
		m = &table[n];
		snprintf(m->name, sizeof(m->name), "%s", name);
		snprintf(m->labels, sizeof(m->labels), "%s", labels);
		snprintf(m->help, sizeof(m->help), "%s", help ? help : "");
		m->type = type;
		__atomic_store_n(&count, n + 1, __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&lock);
	return m;
}

struct metric *metric_cached(struct metric **slot, const char *name, const char *labels, enum metric_type type,
			     const char *help)
{
	struct metric *m = __atomic_load_n(slot, __ATOMIC_ACQUIRE);

	if (!m) {
		m = metric_get(name, labels, type, help);
		__atomic_store_n(slot, m, __ATOMIC_RELEASE);
	}
	return m;
}

void metric_add(struct metric *m, int64_t delta)
{
	if (m)
		__atomic_add_fetch(&m->value, delta, __ATOMIC_RELAXED);
}

void metric_set(struct metric *m, int64_t value)
{
	if (m)
		__atomic_store_n(&m->value, value, __ATOMIC_RELAXED);
}

int64_t metric_value(const struct metric *m)
{
	return m ? __atomic_load_n(&m->value, __ATOMIC_RELAXED) : 0;
}

void metrics_count(const char *name, const char *labels, const char *help, int64_t delta)
{
	metric_add(metric_get(name, labels, METRIC_COUNTER, help), delta);
}

int metrics_write(struct strbuf *out)
{
	int n = __atomic_load_n(&count, __ATOMIC_ACQUIRE);
	bool done[METRICS_MAX] = {false};

	/* Prometheus wants all samples of one name together, under one HELP. */
	for (int i = 0; i < n; i++) {
		if (done[i])
			continue;
		strbuf_printf(out, "# HELP %s %s\n# TYPE %s %s\n", table[i].name, table[i].help, table[i].name,
			      table[i].type == METRIC_COUNTER ? "counter" : "gauge");
		for (int j = i; j < n; j++) {
			if (done[j] || strcmp(table[j].name, table[i].name) != 0)
				continue;
			done[j] = true;
			if (table[j].labels[0])
				strbuf_printf(out, "%s{%s} %lld\n", table[j].name, table[j].labels,
					      (long long)metric_value(&table[j]));
			else
				strbuf_printf(out, "%s %lld\n", table[j].name, (long long)metric_value(&table[j]));
		}
	}
	return out->overflow ? -1 : 0;
}

int metrics_snapshot(const char *prefix, struct metric_sample *out, int max)
{
	int n = __atomic_load_n(&count, __ATOMIC_ACQUIRE), k = 0;

	for (int i = 0; i < n && k < max; i++) {
		if (strncmp(table[i].name, prefix, strlen(prefix)) != 0)
			continue;
		memcpy(out[k].name, table[i].name, sizeof(out[k].name));
		memcpy(out[k].labels, table[i].labels, sizeof(out[k].labels));
		memcpy(out[k].help, table[i].help, sizeof(out[k].help));
		out[k].type = table[i].type;
		out[k].value = metric_value(&table[i]);
		k++;
	}
	return k;
}
