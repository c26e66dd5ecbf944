/* remediation_report.h - the remediation report as text, CSV, JSON or SVG.
 *
 * JSON follows the scriptable contract of `iotmon report remediation`
 * (docs/internals/remediation.md): gap_days, horizon_days, groups[] with
 * group, episodes, cleaned, censored, cleaned_within_horizon, median_days
 * (null when not reached) and survival[] rows {day, at_risk, events,
 * survival, lower, upper}, and logrank {chi2, df, p} (null when there is no
 * test). Added to the contract: by, data_start, data_end, reinfection_days,
 * per group reinfection_followed, reinfected, reinfected_share and notified,
 * logrank_note, ci ("95% Greenwood, log-log") and caveats[]. */
#ifndef IOTMON_REMEDIATION_REPORT_H
#define IOTMON_REMEDIATION_REPORT_H

#include "analysis/remediation.h"
#include "core/strbuf.h"

int remediation_text(struct strbuf *out, const struct remediation *r);
/* One row per group: the summary figures. */
int remediation_csv(struct strbuf *out, const struct remediation *r);
int remediation_json(struct strbuf *out, const struct remediation *r);
/* Step curves of S(t) per group with their interval bands. */
int remediation_svg(struct strbuf *out, const struct remediation *r);

#endif
