/* cowrie_importer.h - the importer for Cowrie JSON logs. */
#ifndef IOTMON_COWRIE_IMPORTER_H
#define IOTMON_COWRIE_IMPORTER_H

#include "importer.h"

extern const struct importer cowrie_importer;

#endif
