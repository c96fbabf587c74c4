/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * Longest-prefix lookup over a few thousand prefixes (tenant subscriber
 * prefixes, pool prefixes). The prefixes are flattened once into sorted
 * disjoint intervals, each carrying the value of its most specific prefix,
 * so a lookup is one binary search over a few kilobytes instead of the
 * 64 MB first-level table of rte_lpm.
 */

#include <errno.h>
#include <stdlib.h>

#include <rte_common.h>
#include <rte_malloc.h>

#include "nat_priv.h"

static int
nat_u64_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static uint64_t
nat_pfx_end(const struct cgn_prefix *p)
{
	return nat_prefix_first(p) + nat_prefix_size(p);
}

/* Index of the longest prefix containing addr, or -1. */
static int
nat_pfx_best(const struct cgn_prefix *pf, unsigned int n, uint64_t addr)
{
	int best = -1;
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (addr < nat_prefix_first(&pf[i]) || addr >= nat_pfx_end(&pf[i]))
			continue;
		if (best < 0 || pf[i].len > pf[best].len)
			best = (int)i;
	}
	return best;
}

static void
nat_pfx_append(struct nat_pfx_tab *t, uint64_t lo, uint64_t end,
	       uint32_t val)
{
	if (t->n > 0 && t->val[t->n - 1] == val &&
	    (uint64_t)t->hi[t->n - 1] + 1 == lo) {
		t->hi[t->n - 1] = (uint32_t)(end - 1);
		return;
	}
	t->lo[t->n] = (uint32_t)lo;
	t->hi[t->n] = (uint32_t)(end - 1);
	t->val[t->n] = val;
	t->n++;
}

int
nat_pfx_build(struct nat_pfx_tab *t, const struct cgn_prefix *pf,
	      const uint32_t *vals, unsigned int n)
{
	uint64_t *bound;
	unsigned int i, nb = 0;
	int best;

	t->n = 0;
	bound = malloc(sizeof(*bound) * (2 * n + 1));
	t->lo = rte_malloc("nat_pfx", sizeof(uint32_t) * (2 * n + 1), 0);
	t->hi = rte_malloc("nat_pfx", sizeof(uint32_t) * (2 * n + 1), 0);
	t->val = rte_malloc("nat_pfx", sizeof(uint32_t) * (2 * n + 1), 0);
	if (bound == NULL || t->lo == NULL || t->hi == NULL ||
	    t->val == NULL) {
		free(bound);
		return -ENOMEM;
	}
	for (i = 0; i < n; i++) {
		bound[nb++] = nat_prefix_first(&pf[i]);
		bound[nb++] = nat_pfx_end(&pf[i]);
	}
	qsort(bound, nb, sizeof(*bound), nat_u64_cmp);
	/* Every elementary interval between two boundaries has one owner. */
	for (i = 0; i + 1 < nb; i++) {
		if (bound[i] == bound[i + 1])
			continue;
		best = nat_pfx_best(pf, n, bound[i]);
		if (best >= 0)
			nat_pfx_append(t, bound[i], bound[i + 1], vals[best]);
	}
	free(bound);
	return 0;
}

int
nat_pfx_index(const struct nat_pfx_tab *t, uint32_t addr)
{
	uint32_t lo = 0, hi = t->n;

	/* last interval whose start is <= addr */
	while (lo < hi) {
		uint32_t mid = (lo + hi) / 2;

		if (t->lo[mid] <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0 || addr > t->hi[lo - 1])
		return -ENOENT;
	return (int)(lo - 1);
}

int
nat_pfx_lookup(const struct nat_pfx_tab *t, uint32_t addr, uint32_t *val)
{
	int i = nat_pfx_index(t, addr);

	if (i < 0)
		return i;
	*val = t->val[i];
	return 0;
}

void
nat_pfx_free(struct nat_pfx_tab *t)
{
	rte_free(t->lo);
	rte_free(t->hi);
	rte_free(t->val);
	t->lo = t->hi = t->val = NULL;
	t->n = 0;
}
