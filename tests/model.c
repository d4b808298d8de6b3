/* model.c -- the reference model of the precedence rules (spec 12.2, A6,
 * A7), written from the spec's tables and independently of copp.h's
 * >>levels: the one model the refcount random walk, the explorer, the fault
 * runs, the fuzz targets and the stress test all check the library against.
 * Included (one translation unit per binary) after copp.h. */
#ifndef COPP_TEST_MODEL_C
#define COPP_TEST_MODEL_C

#define MODEL_NONE 0xFFFFFFFFu   /* a contributor that holds no level of this type */

/* Type index t (0 HDCP, 1 ACP, 2 CGMS-A) as its dxva.h bit. */
static const uint32_t model_type_bit[3] = { 0x1u, 0x2u, 0x4u };

/* Rank of a level in its type's precedence order, lowest 0:
 * HDCP 0 < 1; ACP 0 < 1 < 3 < 2; CGMS-A base (flag 0x08 stripped)
 * 0 < 1 < 3 < 2 < 4. */
static inline int model_rank(int t, uint32_t level)
{
    static const int acp[4] = { 0, 1, 3, 2 }, cgmsa[8] = { 0, 1, 3, 2, 4, 0, 0, 0 };
    if (t == 0) return (int)(level & 1u);
    if (t == 1) return acp[level & 3u];
    return cgmsa[level & 7u];
}

/* The level type t must carry from the levels its contributors hold: the
 * best-ranked one; for CGMS-A that base, with redistribution control (0x08)
 * if any contributor asked for it, OR-ed separately. */
static inline uint32_t model_derive(int t, const uint32_t *levels, size_t n)
{
    uint32_t best = 0, rc = 0;
    int rank = 0;
    size_t i;
    for (i = 0; i < n; i++) {
        uint32_t l = levels[i], base;
        if (l == MODEL_NONE) continue;
        if (t == 2 && (l & 8u)) rc = 8u;
        base = t == 2 ? (l & 7u) : l;
        if (model_rank(t, base) > rank) {
            rank = model_rank(t, base);
            best = base;
        }
    }
    return best | rc;
}

/* 1 if carrying `applied` satisfies a contributor holding `level`: nobody's
 * request is undercut. */
static inline int model_covers(int t, uint32_t applied, uint32_t level)
{
    if (level == MODEL_NONE) return 1;
    if (model_rank(t, applied) < model_rank(t, level)) return 0;
    return t != 2 || !(level & 8u) || (applied & 8u);
}

#endif /* COPP_TEST_MODEL_C */
