/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

#ifndef ALG_DESC_H
#define ALG_DESC_H

/**
 * @file
 * Every ALG, one row each: the only place that names an ALG and gives its
 * standard ports and defaults.
 *
 * Data only, with no include and no symbol to link. The config layer
 * (cgn_config.h, config_schema.c) expands these rows into its ALG ids,
 * names and YAML defaults, and the stage (alg_desc.c) into its descriptor
 * table, which adds the private state size and the hooks. Keeping it data
 * lets config load and check a file without linking the stage (its tests
 * and fuzzers link config alone), while the stage still depends on config
 * and not the other way round: the dependency stays one way.
 *
 * A row: X(id, name, transports, implemented, pinhole_timeout (s),
 *          max_pinholes_per_session, max_pinholes_per_subscriber,
 *          max_sessions_per_subscriber, oneshot, standard ports...)
 *
 * implemented: this build has the ALG's hooks (alg_desc.c checks that the
 * two agree); a policy that enables an ALG without them is refused.
 * oneshot: a pinhole admits one flow, then goes; else it stays until it
 * times out (media, tunnels).
 */

#define ALG_DESC_TCP 0x01
#define ALG_DESC_UDP 0x02

/* Standard ports one ALG may have; the policy's own list is as long. */
#define ALG_DESC_MAX_PORTS 8

#define ALG_DESC_LIST(X) \
	X(FTP,  "ftp",  ALG_DESC_TCP, 1, 30, 8, 64, 32, 1, 21) \
	X(TFTP, "tftp", ALG_DESC_UDP, 1, 30, 8, 64, 32, 1, 69) \
	X(SIP,  "sip",  ALG_DESC_TCP | ALG_DESC_UDP, 1, 180, 16, 64, 32, 0, \
	  5060, 5061) \
	X(RTSP, "rtsp", ALG_DESC_TCP, 1, 60, 16, 64, 32, 0, 554, 8554) \
	X(PPTP, "pptp", ALG_DESC_TCP, 0, 60, 2, 64, 32, 1, 1723) \
	X(IKE,  "ike",  ALG_DESC_UDP, 0, 60, 4, 64, 32, 0, 500, 4500)

/* How many ports a row's variadic tail lists. */
#define ALG_DESC_NB_PORTS(...) \
	(sizeof((unsigned short[]){ __VA_ARGS__ }) / sizeof(unsigned short))

#endif /* ALG_DESC_H */
