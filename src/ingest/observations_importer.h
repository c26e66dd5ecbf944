/* observations_importer.h - `iotmon import observations`: infection
 * observations from elsewhere (an ISP's own list, a third-party report) in
 * the CSV format of obs_csv.h, written idempotently as source "import". */
#ifndef IOTMON_OBSERVATIONS_IMPORTER_H
#define IOTMON_OBSERVATIONS_IMPORTER_H

#include "importer.h"

extern const struct importer observations_importer;

#endif
