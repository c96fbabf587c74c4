/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

#ifndef SIP_FIXTURE_H
#define SIP_FIXTURE_H

#include <stddef.h>
#include <stdint.h>

#include "alg/alg_msg_priv.h"

/** Largest fixture payload. */
#define SIP_FIXTURE_MAX 4096

/**
 * Read tests/unit/alg/sip/<name> into buf (at most SIP_FIXTURE_MAX).
 * @return its length; the test fails if it cannot be read.
 */
size_t sip_fixture(const char *name, uint8_t *buf);

/**
 * A heap copy of buf[0..len) with nothing after it, so ASan sees a read
 * past len. Free it with free().
 */
uint8_t *sip_exact(const void *buf, size_t len);

/** Fail unless buf[s.off .. s.off + s.len) is exactly @p text. */
void sip_assert_span(const uint8_t *buf, struct alg_span s, const char *text);

#endif /* SIP_FIXTURE_H */
