/* fuzz_snap.h -- "a failed call changes nothing" for the fuzz targets. */
#ifndef FUZZ_SNAP_H
#define FUZZ_SNAP_H
typedef struct fz_snap { copp_session s; copp__slot rec; copp_connector c; uint32_t hw_level[3], hw_log, hw_sig; } fz_snap;

static inline void fz_snap_take(fz_snap *sn, const fz_world *w, int i)
{
    sn->s = w->s[i];
    sn->rec = *fz_rec(w, i);
    sn->c = w->conn;
    memcpy(sn->hw_level, w->hw.level, sizeof sn->hw_level);
    sn->hw_log = w->hw.nlog;
    sn->hw_sig = w->hw.sig_writes;
}

static inline void fz_snap_same(const fz_snap *sn, const fz_world *w, int i)
{
    copp_session now = w->s[i];
    now.last_reason = sn->s.last_reason;
    FZ_CHECK(memcmp(&now, &sn->s, sizeof now) == 0);
    FZ_CHECK(memcmp(&w->conn, &sn->c, sizeof sn->c) == 0);
    FZ_CHECK(memcmp(w->hw.level, sn->hw_level, sizeof sn->hw_level) == 0);
    FZ_CHECK(w->hw.nlog == sn->hw_log && w->hw.sig_writes == sn->hw_sig);
}
#endif
