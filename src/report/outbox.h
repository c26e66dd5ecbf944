/* outbox.h - the day's feeds as files, the clearinghouse bundle, and their
 * delivery by mail.
 *
 * outbox_write_day writes DIR/DATE/ASN.EXT (csv, json, xarf.json, eml) for
 * every enriched network of the day and DIR/DATE/clearinghouse-DATE.tar.gz:
 * the files of every focus-country network plus MANIFEST.csv (network,
 * as_name, cc, rows, file, sha256). Files are replaced atomically (temp
 * file, fsync, rename) and only when their bytes change; the archive has
 * fixed mtimes and a fixed order, so re-running a day gives the same bytes.
 *
 * outbox_deliver_day mails each DIR/DATE/ASN.eml to the network's abuse
 * contact over SMTP (libcurl) and records every attempt in the store: a
 * sent mail is never sent again, a failed one is tried again next time.
 * Each send is claimed first (store_claim_delivery), so two processes
 * delivering the same day (the run job and a manual --deliver) never both
 * send one mail. */
#ifndef IOTMON_OUTBOX_H
#define IOTMON_OUTBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/config.h"
#include "core/err.h"
#include "report/contacts.h"
#include "report/feed.h"
#include "store/store.h"

#define OUTBOX_MAX_FORMATS 4
#define OUTBOX_MAX_FOCUS 64

/* [feeds] of the configuration, loaded. */
struct outbox_config {
	const char *dir;
	const struct feed_format *formats[OUTBOX_MAX_FORMATS];
	size_t nformats;
	char *focus[OUTBOX_MAX_FOCUS];
	size_t nfocus;
	struct feed_options feed; /* feed.contacts points at contacts */
	struct contacts *contacts; /* NULL without contacts_file */
	const char *smtp_url; /* "" for no mail */
	long delay_minutes, retry_days, interval_s;
};

/* Reads [feeds]; loads the contacts file when set. */
int outbox_config_load(struct outbox_config *oc, const struct config *cfg, struct err *err);
void outbox_config_free(struct outbox_config *oc);

struct outbox_result {
	size_t networks, focus_networks, rows, files_written, files_unchanged;
};

/* Writes the outbox of day (see above). A day without listed hosts writes
 * nothing. */
int outbox_write_day(struct store *s, const struct outbox_config *oc, int64_t day, struct outbox_result *res,
		     struct err *err);

struct outbox_delivery_result {
	size_t sent, already_sent, failed, no_contact, in_progress;
};

/* A "sending" claim older than this is a sender that died: tried again. */
#define OUTBOX_STALE_CLAIM_US (INT64_C(3600) * 1000000)

/* Mails the messages of the day's ASN.mbox files (xarf-mail: one report a
 * message) not yet sent, each on its own: a delivery record per message
 * (needs smtp_url). Counts are of messages. */
int outbox_deliver_day(struct store *s, const struct outbox_config *oc, int64_t day,
		       struct outbox_delivery_result *res, struct err *err);

/* Replaces path with data atomically: a temp file beside it, fsync, rename,
 * fsync of the folder. *unchanged (may be NULL) is set, and nothing
 * written, when path already holds exactly these bytes. */
int outbox_write_atomic(const char *path, const void *data, size_t len, bool *unchanged, struct err *err);

/* `iotmon feed --output FILE`: the feed written to path atomically. */
int outbox_write_atomic_with(const char *path, struct store *s, int64_t day, const uint32_t *asns, size_t nasns,
			     const char *format, const struct feed_options *opt, struct err *err);

#endif
