/* events_importer.h - the importer for iotmon's canonical event lines. */
#ifndef IOTMON_EVENTS_IMPORTER_H
#define IOTMON_EVENTS_IMPORTER_H

#include "importer.h"

extern const struct importer events_importer;

#endif
