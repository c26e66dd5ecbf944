/* scope.c - see scope.h. */
#include "web/scope.h"

#include <stdio.h>
#include <string.h>

#include "core/timeutil.h"
#include "web/text.h"

const char *const scope_params[] = {"period", "from", "to", "days", "cc", "asn", "family", "format", NULL};

/* The longest window a page computes: ten years of days. */
#define SCOPE_MAX_DAYS 3660

static const struct preset {
	const char *name;
	int days; /* 0: all */
} presets[] = {{"24h", 1}, {"7d", 7}, {"30d", 30}, {"90d", 90}, {"all", 0}};

/* A day key that is empty counts as absent (a form's blank date field). */
static int day_of(const struct query *q, const char *key, int64_t *out, struct err *err)
{
	const char *v = query_get(q, key);

	if (v && !*v)
		return 0;
	return query_day(q, key, out, err);
}

static bool family_name_ok(const char *s)
{
	size_t n = strlen(s);

	if (n >= EVENT_FAMILY_MAX)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '_' ||
		      *s == '-' || *s == '.'))
			return false;
	return true;
}

static int bad(struct web_response *r, const struct err *err)
{
	web_error(r, 400, "%s", err->msg);
	return -1;
}

int scope_parse(const struct web_request *rq, struct web_response *r, const char *path, int def_days,
		struct page_scope *sc)
{
	const struct query *q = rq->query;
	struct figures_request req = {.from = INT64_MIN, .to = INT64_MAX, .last_days = def_days, .complete_days = true};
	const char *preset = NULL, *v;
	long days = 0, asn = 0;
	struct figures_filter f = {0};
	struct err err;

	memset(sc, 0, sizeof(*sc));
	sc->path = path;
	if (query_choice(q, "period", "24h|7d|30d|90d|all", &preset, &err) || day_of(q, "from", &req.from, &err) ||
	    day_of(q, "to", &req.to, &err) || query_int(q, "days", 1, SCOPE_MAX_DAYS, &days, &err) ||
	    query_choice(q, "format", "csv|json", &sc->format, &err) ||
	    query_int(q, "asn", 1, 4294967295L, &asn, &err))
		return bad(r, &err);
	if (preset && (req.from != INT64_MIN || req.to != INT64_MAX || days))
		return bad(r, &(struct err){.msg = "parameter \"period\" goes alone, without from, to or days"});
	if (req.from != INT64_MIN && req.to != INT64_MAX && req.from > req.to)
		return bad(r, &(struct err){.msg = "parameter \"from\" is after \"to\""});
	if (req.from != INT64_MIN && req.to != INT64_MAX && req.to - req.from >= SCOPE_MAX_DAYS)
		return bad(r, &(struct err){.msg = "period longer than 3660 days"});
	for (size_t i = 0; preset && i < sizeof(presets) / sizeof(presets[0]); i++)
		if (strcmp(presets[i].name, preset) == 0)
			req.last_days = presets[i].days;
	if (days)
		req.last_days = (int)days;
	if (req.to != INT64_MAX)
		req.complete_days = false;
	if (req.from != INT64_MIN)
		req.last_days = 0;
	if ((v = query_get(q, "cc")) != NULL) {
		if (strlen(v) != 2 || v[0] < 'A' || v[0] > 'Z' || v[1] < 'A' || v[1] > 'Z')
			return bad(r, &(struct err){.msg = "parameter \"cc\": two capital letters"});
		memcpy(f.cc, v, 3);
	}
	if (asn) {
		f.has_asn = true;
		f.asn = (uint32_t)asn;
	}
	if ((v = query_get(q, "family")) != NULL) {
		if (!family_name_ok(v))
			return bad(r, &(struct err){.msg = "parameter \"family\": letters, digits, _ - . only"});
		f.has_family = true;
		snprintf(f.family, sizeof(f.family), "%s", strcmp(v, "unknown") == 0 ? "" : v);
	}
	if (figures_period(rq->store, &req, &sc->p, &err)) {
		web_store_error(r, &err);
		return -1;
	}
	if (sc->p.days > SCOPE_MAX_DAYS) {
		/* "all" over more than ten years: the last ten */
		sc->p.from_day = sc->p.to_day - SCOPE_MAX_DAYS + 1;
		sc->p.days = SCOPE_MAX_DAYS;
	}
	sc->p.filter = f;
	return 0;
}

static void filter_query(struct strbuf *b, const struct figures_filter *f)
{
	if (f->cc[0])
		strbuf_printf(b, "&amp;cc=%s", f->cc);
	if (f->has_asn)
		strbuf_printf(b, "&amp;asn=%u", f->asn);
	if (f->has_family)
		strbuf_printf(b, "&amp;family=%s", f->family[0] ? f->family : "unknown");
}

void scope_href(struct strbuf *b, const char *path, const struct page_scope *sc, bool keep_filter, const char *key,
		const char *value)
{
	char from[11], to[11];

	time_format_day(sc->p.from_day, from);
	time_format_day(sc->p.to_day, to);
	strbuf_printf(b, "href=\"%s?from=%s&amp;to=%s", path, from, to);
	if (keep_filter)
		filter_query(b, &sc->p.filter);
	if (key) {
		strbuf_printf(b, "&amp;%s=", key);
		strbuf_xml_escape(b, value);
	}
	strbuf_puts(b, "\"");
}

void scope_controls(struct strbuf *b, const struct page_scope *sc)
{
	const struct figures_filter *f = &sc->p.filter;
	char from[11], to[11], line[256];

	time_format_day(sc->p.from_day, from);
	time_format_day(sc->p.to_day, to);
	snprintf(line, sizeof(line), text(T_PERIOD), from, to, sc->p.days);
	strbuf_printf(b, "<p id=\"period\" data-from=\"%s\" data-to=\"%s\" data-days=\"%d\">", from, to, sc->p.days);
	strbuf_xml_escape(b, line);
	strbuf_puts(b, "</p>");
	if (sc->p.today_left_out) {
		strbuf_puts(b, "<p id=\"partial-day\" class=\"note\">");
		strbuf_xml_escape(b, text(T_TODAY_LEFT_OUT));
		strbuf_puts(b, "</p>");
	}
	strbuf_puts(b, "<nav class=\"periods\" aria-label=\"period\">");
	strbuf_xml_escape(b, text(T_PERIOD_CHOOSE));
	for (size_t i = 0; i < sizeof(presets) / sizeof(presets[0]); i++) {
		strbuf_printf(b, " <a href=\"%s?period=%s", sc->path, presets[i].name);
		filter_query(b, f);
		strbuf_puts(b, "\">");
		strbuf_xml_escape(b, presets[i].days ? presets[i].name : text(T_PERIOD_ALL));
		strbuf_puts(b, "</a>");
	}
	strbuf_printf(b, "</nav><form class=\"period\" method=\"get\" action=\"%s\"><label>", sc->path);
	strbuf_xml_escape(b, text(T_PERIOD_FROM));
	strbuf_printf(b, " <input type=\"date\" name=\"from\" value=\"%s\" required></label> <label>", from);
	strbuf_xml_escape(b, text(T_PERIOD_TO));
	strbuf_printf(b, " <input type=\"date\" name=\"to\" value=\"%s\" required></label>", to);
	if (f->cc[0])
		strbuf_printf(b, "<input type=\"hidden\" name=\"cc\" value=\"%s\">", f->cc);
	if (f->has_asn)
		strbuf_printf(b, "<input type=\"hidden\" name=\"asn\" value=\"%u\">", f->asn);
	if (f->has_family)
		strbuf_printf(b, "<input type=\"hidden\" name=\"family\" value=\"%s\">",
			      f->family[0] ? f->family : "unknown");
	strbuf_puts(b, " <button type=\"submit\">");
	strbuf_xml_escape(b, text(T_PERIOD_SHOW));
	strbuf_puts(b, "</button></form>");
	if (f->cc[0] || f->has_asn || f->has_family) {
		char what[96] = "";

		if (f->cc[0])
			snprintf(what, sizeof(what), text(T_FILTER_COUNTRY), f->cc);
		else if (f->has_asn)
			snprintf(what, sizeof(what), text(T_FILTER_NETWORK), f->asn);
		else
			snprintf(what, sizeof(what), text(T_FILTER_FAMILY), f->family[0] ? f->family : text(T_UNKNOWN));
		snprintf(line, sizeof(line), text(T_FILTER), what);
		strbuf_puts(b, "<p id=\"filter\">");
		strbuf_xml_escape(b, line);
		strbuf_puts(b, " <a ");
		scope_href(b, sc->path, sc, false, NULL, NULL);
		strbuf_puts(b, ">");
		strbuf_xml_escape(b, text(T_FILTER_CLEAR));
		strbuf_puts(b, "</a></p>");
	}
}

void scope_data_links(struct strbuf *b, const struct page_scope *sc)
{
	strbuf_puts(b, "<p class=\"data\">");
	strbuf_xml_escape(b, text(T_DATA_LINKS));
	strbuf_puts(b, " <a class=\"csv\" ");
	scope_href(b, sc->path, sc, true, "format", "csv");
	strbuf_puts(b, ">CSV</a> <a class=\"json\" ");
	scope_href(b, sc->path, sc, true, "format", "json");
	strbuf_puts(b, ">JSON</a></p>");
}

bool scope_data(const struct page_scope *sc, const struct table *t, struct web_response *r)
{
	if (!sc->format)
		return false;
	r->status = 200;
	if (strcmp(sc->format, "csv") == 0) {
		r->content_type = "text/csv; charset=utf-8";
		table_write_csv(t, &r->body);
	} else {
		r->content_type = "application/json";
		table_write_json(t, &r->body);
	}
	return true;
}
