/* decode.c - packet headers (see decode.h). */
#include "decode.h"

#include "decode_inline.h"

int decode_packet(uint32_t linktype, const uint8_t *p, uint32_t len, struct decoded *d)
{
	return decode_packet_inline(linktype, p, len, d);
}

int decode_linktype_known(uint32_t linktype)
{
	switch (linktype) {
	case LINKTYPE_ETHERNET:
	case LINKTYPE_RAW:
	case LINKTYPE_IPV4:
	case LINKTYPE_IPV6:
	case LINKTYPE_NULL:
	case LINKTYPE_LOOP:
	case LINKTYPE_LINUX_SLL:
	case LINKTYPE_LINUX_SLL2:
		return 1;
	default:
		return 0;
	}
}
