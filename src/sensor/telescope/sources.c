/* sources.c - labels, rows and scan events per source (see sources.h). */
#include "sources.h"

#include <inttypes.h>
#include <string.h>

#include "core/event.h"
#include "core/ipaddr.h"
#include "core/timeutil.h"

const char *label_name(enum src_label l)
{
	static const char *const names[LABEL_COUNT] = {"mirai", "zmap", "masscan", "backscatter", "other"};

	return (unsigned)l < LABEL_COUNT ? names[l] : "?";
}

enum src_label source_label(const struct src_entry *e, double share_min, double *share)
{
	static const uint32_t min_match[FP_COUNT] = {1, 2, 2}; /* 32-bit test: 1; 16-bit: 2 */
	uint64_t back = e->cls[CLASS_BACKSCATTER], total = agg_packets(e), probes = total - back;
	double best = 0;

	if (back > probes) {
		*share = total ? (double)back / (double)total : 0;
		return LABEL_BACKSCATTER;
	}
	for (unsigned f = 0; f < FP_COUNT; f++) {
		double s = probes ? (double)e->fp[f] / (double)probes : 0;

		if (e->fp[f] >= min_match[f] && s >= share_min) {
			*share = s;
			return (enum src_label)f; /* LABEL_* follow FP_* */
		}
		if (s > best)
			best = s;
	}
	*share = 1.0 - best;
	return LABEL_OTHER;
}

void sources_each(struct src_entry *const *v, size_t n, int64_t period_us,
		  void (*fn)(const struct src_entry *e, void *arg), void *arg)
{
	size_t i = 0;

	while (i < n) {
		size_t j = i + 1;

		while (j < n && v[j]->af == v[i]->af && memcmp(v[j]->addr, v[i]->addr, 16) == 0)
			j++;
		if (j == i + 1) {
			fn(v[i], arg);
		} else {
			struct src_entry m = *v[i];

			/* Times of later periods: "ms since the start of the first". */
			for (size_t k = i + 1; k < j; k++) {
				struct src_entry o = *v[k];
				int64_t shift = (int64_t)(o.period - m.period) * (period_us / 1000);

				if ((uint64_t)(o.last_ms + shift) > UINT32_MAX)
					o.last_ms = UINT32_MAX;
				else
					o.last_ms = (uint32_t)(o.last_ms + shift);
				o.first_ms = m.first_ms; /* the first period holds the first packet */
				agg_merge(&m, &o);
			}
			fn(&m, arg);
		}
		i = j;
	}
}

struct print_ctx {
	FILE *out;
	enum sources_format fmt;
	double share_min;
	int64_t period_us;
};

static void format_time(const struct src_entry *e, int64_t period_us, uint32_t ms, char *buf)
{
	time_format_rfc3339((int64_t)e->period * period_us + (int64_t)ms * 1000, buf);
}

static void print_row(const struct src_entry *e, void *arg)
{
	struct print_ctx *c = arg;
	char ip[IPADDR_STRLEN], first[TIME_RFC3339_LEN + 1], last[TIME_RFC3339_LEN + 1];
	struct ipaddr a = {.af = e->af};
	uint16_t ports[AGG_PORTS];
	uint32_t counts[AGG_PORTS];
	unsigned np = agg_top_ports(e, ports, counts);
	double share;
	enum src_label l = source_label(e, c->share_min, &share);

	memcpy(a.b, e->addr, 16);
	ipaddr_format(&a, ip);
	format_time(e, c->period_us, e->first_ms, first);
	format_time(e, c->period_us, e->last_ms, last);
	if (c->fmt == SOURCES_CSV) {
		fprintf(c->out, "%s,%" PRIu64 ",%s,%s,%" PRIu64 ",", ip, agg_packets(e), first, last, agg_destinations(e));
		for (unsigned i = 0; i < np; i++)
			fprintf(c->out, "%s%u:%u", i ? ";" : "", ports[i], counts[i]);
		fprintf(c->out, ",%s,%.4f\n", label_name(l), share);
		return;
	}
	fprintf(c->out,
		"{\"ip\":\"%s\",\"packets\":%" PRIu64 ",\"first_seen\":\"%s\",\"last_seen\":\"%s\",\"destinations\":%" PRIu64
		",\"top_ports\":[",
		ip, agg_packets(e), first, last, agg_destinations(e));
	for (unsigned i = 0; i < np; i++)
		fprintf(c->out, "%s{\"port\":%u,\"packets\":%u}", i ? "," : "", ports[i], counts[i]);
	fprintf(c->out, "],\"label\":\"%s\",\"share\":%.4f,\"classes\":{", label_name(l), share);
	for (unsigned k = 0; k < CLASS_COUNT; k++)
		fprintf(c->out, "%s\"%s\":%u", k ? "," : "", class_name((enum pkt_class)k), e->cls[k]);
	for (unsigned f = 0; f < FP_COUNT; f++)
		fprintf(c->out, ",\"%s\":%u", fingerprint_name((enum fingerprint)f), e->fp[f]);
	fputs("}}\n", c->out);
}

void sources_print(FILE *out, struct src_entry *const *entries, size_t n, enum sources_format fmt,
		   const struct label_options *opt)
{
	struct print_ctx c = {out, fmt, opt->share, opt->period_us};

	if (fmt == SOURCES_CSV)
		fputs("ip,packets,first_seen,last_seen,destinations,top_ports,label,share\n", out);
	sources_each(entries, n, opt->period_us, print_row, &c);
}

uint64_t sources_emit_events(struct sink *sink, struct src_entry *const *v, size_t n, const struct label_options *opt,
			     const char *sensor)
{
	uint64_t emitted = 0;

	for (size_t i = 0; i < n; i++)
		emitted += sources_emit_event(sink, v[i], opt, sensor);
	return emitted;
}

bool sources_emit_event(struct sink *sink, const struct src_entry *e, const struct label_options *opt,
			const char *sensor)
{
	uint64_t probes = agg_packets(e) - e->cls[CLASS_BACKSCATTER], dsts = agg_destinations(e);
	char extra[1024], first[TIME_RFC3339_LEN + 1], last[TIME_RFC3339_LEN + 1];
	uint16_t ports[AGG_PORTS];
	uint32_t counts[AGG_PORTS];
	unsigned np;
	size_t len;
	double share;
	enum src_label l = source_label(e, opt->share, &share);
	struct event ev;

	if (l == LABEL_BACKSCATTER || probes < opt->min_packets || dsts < opt->min_destinations)
		return false;
	event_init(&ev);
	ev.kind = EVENT_SCAN;
	ev.time_us = (int64_t)e->period * opt->period_us + (int64_t)e->first_ms * 1000;
	ev.src.af = e->af;
	memcpy(ev.src.b, e->addr, 16);
	ev.transport = e->cls[CLASS_SYN] >= e->cls[CLASS_UDP] && e->cls[CLASS_SYN] >= e->cls[CLASS_ICMP]
			       ? TRANSPORT_TCP
		       : e->cls[CLASS_UDP] >= e->cls[CLASS_ICMP] ? TRANSPORT_UDP
		       : e->af == 6				 ? TRANSPORT_ICMPV6
								 : TRANSPORT_ICMP;
	np = agg_top_ports(e, ports, counts);
	if (np)
		ev.dst_port = ports[0];
	ev.packets = probes;
	event_set_fixed(ev.sensor, sizeof(ev.sensor), sensor, strlen(sensor));
	if (l != LABEL_OTHER)
		event_set_fixed(ev.family, sizeof(ev.family), label_name(l), strlen(label_name(l)));
	format_time(e, opt->period_us, e->first_ms, first);
	format_time(e, opt->period_us, e->last_ms, last);
	len = (size_t)snprintf(extra, sizeof(extra),
			       "{\"source\":\"telescope\",\"label\":\"%s\",\"share\":%.4f,\"destinations\":%" PRIu64
			       ",\"first_seen\":\"%s\",\"last_seen\":\"%s\",\"top_ports\":[",
			       label_name(l), share, dsts, first, last);
	for (unsigned k = 0; k < np && len < sizeof(extra); k++)
		len += (size_t)snprintf(extra + len, sizeof(extra) - len, "%s[%u,%u]", k ? "," : "", ports[k],
					counts[k]);
	if (len < sizeof(extra))
		len += (size_t)snprintf(extra + len, sizeof(extra) - len, "],\"classes\":{");
	for (unsigned k = 0; k < CLASS_COUNT && len < sizeof(extra); k++)
		len += (size_t)snprintf(extra + len, sizeof(extra) - len, "%s\"%s\":%u", k ? "," : "",
					class_name((enum pkt_class)k), e->cls[k]);
	for (unsigned f = 0; f < FP_COUNT && len < sizeof(extra); f++)
		len += (size_t)snprintf(extra + len, sizeof(extra) - len, ",\"%s\":%u",
					fingerprint_name((enum fingerprint)f), e->fp[f]);
	if (len < sizeof(extra))
		len += (size_t)snprintf(extra + len, sizeof(extra) - len, "}}");
	if (len < sizeof(extra))
		event_set_text(&ev.extra, extra, len);
	sink_emit(sink, &ev);
	event_free(&ev);
	return true;
}
