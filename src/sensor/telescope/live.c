/* live.c - live capture through libpcap behind the reader interface. */
#include <pcap/pcap.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "capture.h"
#include "core/xalloc.h"
#include "decode.h"

/* Headers up to TCP, with IPv6 extensions and tags, fit in this. */
#define LIVE_SNAPLEN 256
#define LIVE_POLL_MS 200

struct live_reader {
	struct cap_reader base;
	pcap_t *pc;
	uint32_t linktype;
	atomic_bool stop;
};

static int live_next(struct cap_reader *base, struct cap_packet *p, struct err *err, uint64_t *offset)
{
	struct live_reader *r = (struct live_reader *)base;
	struct pcap_pkthdr *h;
	const u_char *data;
	int rc;

	*offset = 0;
	if (atomic_load(&r->stop))
		return 0;
	rc = pcap_next_ex(r->pc, &h, &data);
	if (rc == 0) {
		/* Non-blocking: wait for the descriptor ourselves, so an idle
		 * interface still returns every LIVE_POLL_MS. */
		struct pollfd pfd = {.fd = pcap_get_selectable_fd(r->pc), .events = POLLIN};

		if (poll(&pfd, 1, LIVE_POLL_MS) <= 0)
			return CAP_IDLE;
		rc = pcap_next_ex(r->pc, &h, &data);
	}
	if (rc == 1) {
		p->ts_us = (int64_t)h->ts.tv_sec * 1000000 + h->ts.tv_usec;
		p->caplen = h->caplen;
		p->origlen = h->len < h->caplen ? h->caplen : h->len;
		p->linktype = r->linktype;
		p->data = data;
		return 1;
	}
	if (rc == 0)
		return CAP_IDLE;
	if (rc == PCAP_ERROR_BREAK || atomic_load(&r->stop))
		return 0;
	return err_set(err, "capture failed: %s", pcap_geterr(r->pc));
}

static void live_close(struct cap_reader *base)
{
	struct live_reader *r = (struct live_reader *)base;

	pcap_close(r->pc);
	free(r);
}

static const struct cap_reader_ops live_ops = {"live", live_next, live_close, NULL};

struct cap_reader *live_reader_new(const char *iface, const char *bpf, struct err *err)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	struct live_reader *r;
	struct bpf_program prog;
	pcap_t *pc;
	int dlt;

	pc = pcap_create(iface, ebuf);
	if (!pc) {
		err_set(err, "%s: %s", iface, ebuf);
		return NULL;
	}
	pcap_set_snaplen(pc, LIVE_SNAPLEN);
	pcap_set_promisc(pc, 1);
	pcap_set_timeout(pc, LIVE_POLL_MS);

	pcap_set_buffer_size(pc, 64 << 20); /* bursts of scans: room before the kernel drops */
	if (pcap_activate(pc) < 0) {
		err_set(err, "%s: %s", iface, pcap_geterr(pc));
		pcap_close(pc);
		return NULL;
	}
	if (bpf && *bpf) {
		if (pcap_compile(pc, &prog, bpf, 1, PCAP_NETMASK_UNKNOWN) < 0) {
			err_set(err, "BPF filter \"%s\": %s", bpf, pcap_geterr(pc));
			pcap_close(pc);
			return NULL;
		}
		if (pcap_setfilter(pc, &prog) < 0) {
			err_set(err, "BPF filter \"%s\": %s", bpf, pcap_geterr(pc));
			pcap_freecode(&prog);
			pcap_close(pc);
			return NULL;
		}
		pcap_freecode(&prog);
	}
	/* Linux TPACKET_V3 waits without limit on an idle interface whatever
	 * the timeout, so we poll ourselves (flushes and stops must not wait). */
	if (pcap_setnonblock(pc, 1, ebuf) < 0 || pcap_get_selectable_fd(pc) < 0) {
		err_set(err, "%s: cannot poll the capture: %s", iface, ebuf);
		pcap_close(pc);
		return NULL;
	}
	dlt = pcap_datalink(pc);
	if (!decode_linktype_known(dlt == DLT_RAW ? LINKTYPE_RAW : (uint32_t)dlt)) {
		err_set(err, "%s: unsupported link type %s", iface, pcap_datalink_val_to_name(dlt));
		pcap_close(pc);
		return NULL;
	}
	r = xcalloc(1, sizeof(*r));
	r->base.ops = &live_ops;
	r->pc = pc;
	/* DLT_ values equal LINKTYPE_ values except raw IP, which differs by OS. */
	r->linktype = dlt == DLT_RAW ? LINKTYPE_RAW : (uint32_t)dlt;
#ifdef DLT_IPV4
	if (dlt == DLT_IPV4)
		r->linktype = LINKTYPE_IPV4;
#endif
	atomic_init(&r->stop, false);
	return &r->base;
}

void live_reader_stop(struct cap_reader *base)
{
	struct live_reader *r = (struct live_reader *)base;

	atomic_store(&r->stop, true);
	pcap_breakloop(r->pc);
}

uint64_t live_reader_drops(struct cap_reader *base)
{
	struct live_reader *r = (struct live_reader *)base;
	struct pcap_stat st;

	if (pcap_stats(r->pc, &st) != 0)
		return 0;
	return st.ps_drop;
}
