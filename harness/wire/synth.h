/* synth.h: hand-built IPv4/IPv6 TCP and UDP packets (link type DLT_RAW) for tests and fixtures. */
#ifndef SOCKCHECK_SYNTH_H
#define SOCKCHECK_SYNTH_H

#include <stddef.h>
#include <stdint.h>

/* Addresses are "127.0.0.1" or "::1" style (both ends the same family). Each builder writes one packet
 * with correct lengths and checksums into buf and returns its length, or 0 if it does not fit or an
 * address is invalid. */
size_t synth_tcp(unsigned char *buf, size_t cap, const char *src, uint16_t sport, const char *dst,
		 uint16_t dport, uint32_t seq, uint32_t ack, uint8_t flags, const void *payload, size_t len);
size_t synth_udp(unsigned char *buf, size_t cap, const char *src, uint16_t sport, const char *dst,
		 uint16_t dport, const void *payload, size_t len);

#endif
