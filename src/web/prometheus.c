/* prometheus.c - /metrics in the Prometheus text exposition format (0.0.4):
 * what the store holds (events by sensor and kind, scan packets, infected
 * devices today) and what this process counted (core/metrics.h: HTTP
 * answers, feed deliveries, errors, and whatever sensors register, such as
 * packets processed and sessions open), and each sensor's liveness
 * (analysis/sensors.h: seconds since its last event, events in the last
 * hour and day) so an alert can fire on a silent sensor. */
#include <stdio.h>
#include <string.h>

#include "analysis/sensors.h"
#include "core/metrics.h"
#include "core/timeutil.h"
#include "web/handler.h"

/* Label values are escaped as the format asks (\\, \", \n). */
static void label_value(struct strbuf *b, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			strbuf_printf(b, "\\%c", *s);
		else if (*s == '\n')
			strbuf_puts(b, "\\n");
		else
			strbuf_append(b, s, 1);
	}
}

struct events_arg {
	struct strbuf *events, *packets, *last;
	char prev[EVENT_SENSOR_MAX];
	uint64_t packets_sum;
	int64_t last_us;
};

static void flush_sensor(struct events_arg *a)
{
	if (!a->prev[0])
		return;
	strbuf_puts(a->packets, "iotmon_store_packets_total{sensor=\"");
	label_value(a->packets, a->prev);
	strbuf_printf(a->packets, "\"} %llu\n", (unsigned long long)a->packets_sum);
	strbuf_puts(a->last, "iotmon_store_last_event_seconds{sensor=\"");
	label_value(a->last, a->prev);
	strbuf_printf(a->last, "\"} %lld\n", (long long)(a->last_us / US_PER_SEC));
}

static int events_cb(const struct event_count *c, void *arg)
{
	struct events_arg *a = arg;

	if (strcmp(a->prev, c->sensor) != 0) {
		flush_sensor(a);
		snprintf(a->prev, sizeof(a->prev), "%s", c->sensor);
		a->packets_sum = 0;
		a->last_us = 0;
	}
	a->packets_sum += c->packets;
	if (c->last_us > a->last_us)
		a->last_us = c->last_us;
	strbuf_puts(a->events, "iotmon_store_events_total{sensor=\"");
	label_value(a->events, c->sensor);
	strbuf_printf(a->events, "\",kind=\"%s\"} %llu\n", event_kind_name(c->kind), (unsigned long long)c->events);
	return 0;
}

struct today_arg {
	uint64_t n;
};

static int today_cb(const struct observation *o, void *arg)
{
	(void)o;
	((struct today_arg *)arg)->n++;
	return 0;
}

/* iotmon_sensor_silent_seconds and iotmon_sensor_events{window=...}. */
static int liveness(struct store *s, struct strbuf *out, struct err *err)
{
	struct sensors ss;
	int rc = sensors_health(s, time_now_us(), 60, &ss, err);

	strbuf_puts(out, "# HELP iotmon_sensor_silent_seconds Seconds since the sensor's newest stored event.\n"
			 "# TYPE iotmon_sensor_silent_seconds gauge\n");
	for (size_t i = 0; rc == 0 && i < ss.n; i++) {
		strbuf_puts(out, "iotmon_sensor_silent_seconds{sensor=\"");
		label_value(out, ss.v[i].name);
		strbuf_printf(out, "\"} %lld\n", (long long)(ss.v[i].silent_us / US_PER_SEC));
	}
	strbuf_puts(out, "# HELP iotmon_sensor_events Stored events of the sensor in the last hour and the last day.\n"
			 "# TYPE iotmon_sensor_events gauge\n");
	for (size_t i = 0; rc == 0 && i < ss.n; i++) {
		uint64_t day = 0;

		for (int h = 0; h < SENSORS_HOURS; h++)
			day += ss.v[i].hourly[h];
		strbuf_puts(out, "iotmon_sensor_events{sensor=\"");
		label_value(out, ss.v[i].name);
		strbuf_printf(out, "\",window=\"1h\"} %llu\n", (unsigned long long)ss.v[i].window_events);
		strbuf_puts(out, "iotmon_sensor_events{sensor=\"");
		label_value(out, ss.v[i].name);
		strbuf_printf(out, "\",window=\"24h\"} %llu\n", (unsigned long long)day);
	}
	sensors_free(&ss);
	return rc;
}

int metrics_handler(const struct web_request *rq, struct web_response *r)
{
	struct strbuf events, packets, last;
	struct events_arg a = {&events, &packets, &last, "", 0, 0};
	struct today_arg today = {0};
	struct obs_filter f;
	struct err err;
	int rc;

	strbuf_init(&events, WEB_PAGE_MAX);
	strbuf_init(&packets, WEB_PAGE_MAX);
	strbuf_init(&last, WEB_PAGE_MAX);
	rc = store_count_events(rq->store, INT64_MIN, events_cb, &a, &err);
	flush_sensor(&a);
	obs_filter_init(&f);
	f.day_from = f.day_to = time_day_of(time_now_us());
	if (!rc)
		rc = store_query_observations(rq->store, &f, today_cb, &today, &err);
	if (rc) {
		strbuf_free(&events);
		strbuf_free(&packets);
		strbuf_free(&last);
		return web_store_error(r, &err);
	}
	r->status = 200;
	r->content_type = "text/plain; version=0.0.4; charset=utf-8";
	strbuf_puts(&r->body, "# HELP iotmon_store_events_total Events in the store, by sensor and kind.\n"
			      "# TYPE iotmon_store_events_total counter\n");
	strbuf_append(&r->body, events.data, events.len);
	strbuf_puts(&r->body, "# HELP iotmon_store_packets_total Telescope packets recorded in the store, by sensor.\n"
			      "# TYPE iotmon_store_packets_total counter\n");
	strbuf_append(&r->body, packets.data, packets.len);
	strbuf_puts(&r->body, "# HELP iotmon_store_last_event_seconds Time of the newest stored event, by sensor.\n"
			      "# TYPE iotmon_store_last_event_seconds gauge\n");
	strbuf_append(&r->body, last.data, last.len);
	if (liveness(rq->store, &r->body, &err))
		return web_store_error(r, &err);
	strbuf_printf(&r->body,
		      "# HELP iotmon_infected_devices_today Infected devices observed today (UTC).\n"
		      "# TYPE iotmon_infected_devices_today gauge\n"
		      "iotmon_infected_devices_today %llu\n",
		      (unsigned long long)today.n);
	/* The process's own counters; make sure the ones the issue names are
	 * always present, at 0 until something counts them. */
	metric_get("iotmon_packets_processed_total", "sensor=\"telescope\"", METRIC_COUNTER, "packets decoded by sensors");
	metric_get("iotmon_sessions_open", "sensor=\"honeypot\"", METRIC_GAUGE, "honeypot sessions open now");
	metric_get("iotmon_feed_deliveries_total", "channel=\"api\",format=\"json\"", METRIC_COUNTER,
		   "feeds delivered, by channel");
	metric_get("iotmon_errors_total", "component=\"web\"", METRIC_COUNTER, "errors, by component");
	metrics_write(&r->body);
	strbuf_free(&events);
	strbuf_free(&packets);
	strbuf_free(&last);
	return 0;
}
