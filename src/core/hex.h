/* hex.h - hexadecimal digits, for the decoders of network text (percent
 * escapes, \xNN droppers). */
#ifndef IOTMON_HEX_H
#define IOTMON_HEX_H

/* The value 0-15 of a hex digit (either case), or -1 for any other byte. */
int hex_value(char c);

#endif
