/* audits.c - GET /audits: lab audit results by manufacturer, so detection
 * and testing meet (which vendors' devices fail the baseline in the lab).
 * Rows are manufacturers, columns the provisions of EN 303 645 and
 * EN 18031-1 the audit's tests give evidence for, cells the devices that
 * failed a test mapped to that provision over the devices audited. No
 * address is shown (the store query does not return them). */
#include <string.h>

#include "audit/audit_model.h"
#include "store/audit_store.h"
#include "web/handler.h"

#define MAX_PROVISIONS 64
#define MAX_VENDORS 256

struct vendor_row {
	char name[64];
	uint64_t devices, failed[MAX_PROVISIONS];
};

struct agg {
	const char *prov[MAX_PROVISIONS];
	size_t nprov;
	struct vendor_row *rows;
	size_t nrows;
	char cur_vendor[64];
	uint64_t cur_device, cur_mask;
	bool have;
};

static void provisions(struct agg *a)
{
	for (int t = 0; t < AT_COUNT; t++)
		for (int k = 0; audit_tests[t].provisions[k]; k++) {
			size_t i;

			for (i = 0; i < a->nprov && strcmp(a->prov[i], audit_tests[t].provisions[k]) != 0; i++)
				;
			if (i == a->nprov && a->nprov < MAX_PROVISIONS)
				a->prov[a->nprov++] = audit_tests[t].provisions[k];
		}
}

static void flush_device(struct agg *a)
{
	struct vendor_row *v = NULL;

	if (!a->have)
		return;
	for (size_t i = 0; i < a->nrows; i++)
		if (strcmp(a->rows[i].name, a->cur_vendor) == 0)
			v = &a->rows[i];
	if (!v && a->nrows < MAX_VENDORS) {
		v = &a->rows[a->nrows++];
		memset(v, 0, sizeof(*v));
		snprintf(v->name, sizeof(v->name), "%s", a->cur_vendor);
	}
	if (!v)
		return;
	v->devices++;
	for (size_t p = 0; p < a->nprov; p++)
		v->failed[p] += (a->cur_mask >> p) & 1;
	a->have = false;
}

static int take(const struct audit_latest *r, void *arg)
{
	struct agg *a = arg;

	if (!a->have || r->device != a->cur_device || strcmp(r->vendor, a->cur_vendor) != 0) {
		flush_device(a);
		snprintf(a->cur_vendor, sizeof(a->cur_vendor), "%s", r->vendor);
		a->cur_device = r->device;
		a->cur_mask = 0;
		a->have = true;
	}
	if (strcmp(r->verdict, "fail") != 0)
		return 0;
	for (int t = 0; t < AT_COUNT; t++) {
		if (strcmp(audit_tests[t].id, r->test) != 0)
			continue;
		for (int k = 0; audit_tests[t].provisions[k]; k++)
			for (size_t p = 0; p < a->nprov; p++)
				if (strcmp(a->prov[p], audit_tests[t].provisions[k]) == 0)
					a->cur_mask |= (uint64_t)1 << p;
	}
	return 0;
}

int page_audits(const struct web_request *rq, struct web_response *r)
{
	static struct vendor_row rows[MAX_VENDORS];
	struct agg a = {.rows = rows};
	struct strbuf *b = &r->body;
	struct err err;

	provisions(&a);
	if (store_audit_latest(rq->store, take, &a, &err))
		return web_store_error(r, &err);
	flush_device(&a);
	r->status = 200;
	r->content_type = "text/html; charset=utf-8";
	strbuf_puts(b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>iotmon: lab audits</title>"
		       "</head><body><p><a href=\"/\">iotmon</a></p><h1>Lab audits</h1>\n"
		       "<p>Devices tested in the lab against ETSI EN 303 645 and EN 18031-1 (<code>iotmon audit</code>), "
		       "by manufacturer: per provision, the devices that failed a test giving evidence for it, over the "
		       "devices audited (each device's latest audit).</p>\n<table id=\"audits\"><tr><th>manufacturer</th>"
		       "<th>devices</th>");
	for (size_t p = 0; p < a.nprov; p++)
		strbuf_printf(b, "<th>%s</th>", a.prov[p]);
	strbuf_puts(b, "</tr>\n");
	for (size_t i = 0; i < a.nrows; i++) {
		strbuf_puts(b, "<tr data-key=\"");
		strbuf_xml_escape(b, rows[i].name);
		strbuf_puts(b, "\"><td>");
		strbuf_xml_escape(b, rows[i].name);
		strbuf_printf(b, "</td><td class=\"n\">%llu</td>", (unsigned long long)rows[i].devices);
		for (size_t p = 0; p < a.nprov; p++)
			strbuf_printf(b, "<td class=\"n%s\" data-provision=\"%s\">%llu/%llu</td>",
				      rows[i].failed[p] ? " fail" : "", a.prov[p], (unsigned long long)rows[i].failed[p],
				      (unsigned long long)rows[i].devices);
		strbuf_puts(b, "</tr>\n");
	}
	if (!a.nrows)
		strbuf_puts(b, "<tr><td colspan=\"2\">no audit recorded</td></tr>\n");
	strbuf_puts(b, "</table></body></html>\n");
	return b->overflow ? web_error(r, 500, "page too large") : 0;
}
