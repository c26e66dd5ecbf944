#include <jansson.h>
#include <stdlib.h>

#include "audit_report.h"
#include "core/timeutil.h"

static json_t *str_or_null(const char *s)
{
	return s[0] ? json_string(s) : json_null();
}

int audit_report_json(FILE *out, const struct audit_lab *lab)
{
	json_t *root = json_object(), *devs = json_array();
	char *text;
	int rc;

	json_object_set_new(root, "schema", json_string(AUDIT_SCHEMA));
	for (size_t i = 0; i < lab->n; i++) {
		const struct audit_device *d = &lab->devices[i];
		json_t *o = json_object(), *tests = json_array(), *summary = json_object();
		char ip[IPADDR_STRLEN], ts[40];

		ipaddr_format(&d->ip, ip);
		json_object_set_new(o, "address", json_string(ip));
		json_object_set_new(o, "name", str_or_null(d->name));
		json_object_set_new(o, "vendor", str_or_null(d->vendor));
		json_object_set_new(o, "model", str_or_null(d->model));
		json_object_set_new(o, "firmware", str_or_null(d->firmware));
		time_format_rfc3339(d->started_us, ts);
		json_object_set_new(o, "started", json_string(ts));
		json_object_set_new(o, "seconds", json_real((double)(d->finished_us - d->started_us) / 1e6));
		for (size_t j = 0; j < d->nfindings; j++) {
			const struct audit_finding *f = &d->findings[j];
			json_t *t = json_object(), *prov = json_array();

			json_object_set_new(t, "id", json_string(audit_tests[f->test].id));
			for (int k = 0; audit_tests[f->test].provisions[k]; k++)
				json_array_append_new(prov, json_string(audit_tests[f->test].provisions[k]));
			json_object_set_new(t, "provisions", prov);
			json_object_set_new(t, "verdict", json_string(audit_verdict_name(f->verdict)));
			json_object_set_new(t, "service", json_string(f->service));
			json_object_set_new(t, "evidence", json_string(f->evidence));
			json_array_append_new(tests, t);
		}
		json_object_set_new(o, "tests", tests);
		for (int t = 0; t < AT_COUNT; t++)
			json_object_set_new(summary, audit_tests[t].id,
					    json_string(audit_verdict_name(audit_device_verdict(d, (enum audit_test)t))));
		json_object_set_new(o, "summary", summary);
		json_array_append_new(devs, o);
	}
	json_object_set_new(root, "devices", devs);
	text = json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(root);
	if (!text)
		return -1;
	rc = fputs(text, out) < 0 || fputc('\n', out) == EOF ? -1 : 0;
	free(text);
	return rc;
}
