/* fuzz_transcript.c -- the transcript reader (tools/copp_transcript.h) and
 * the replay (tools/copp_replay.h) on arbitrary bytes: a transcript is
 * untrusted input (a field report, a file edited by hand).  Every record and
 * item the reader accepts is walked and decoded; then the whole input is
 * replayed against the library (timeline off).  Crashes, out-of-bounds
 * reads and undefined behaviour are the sanitizers' findings; a library
 * COPP_ASSERT aborts.  Seeds: tests/fuzz/corpus/transcript (transcripts of
 * the demo: default, KEEP_MAC_KEY, a planted divergence, cut short; `busy`:
 * every call kind and callback, from test_recorder_replay with
 * COPP_TEST_SAVE_TRANSCRIPT=FILE). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define COPP_ASSERT(x) do { if (!(x)) { fprintf(stderr, "COPP_ASSERT(%s)\n", #x); abort(); } } while (0)
#define COPP_IMPLEMENTATION
#define COPP_WITH_RECORDER
#include "../../copp.h"
#include "../../tools/copp_transcript.h"
#include "../../tools/copp_replay.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static rp_state st;
    cpt_reader r;
    cpt_record rec;
    cpt_item it;
    const uint8_t *bytes;
    uint32_t full, kept, v;
    size_t off;
    int got, rc;
    volatile uint32_t sink = 0;
    if (cpt_open(&r, data, size) == 0) {
        while ((got = cpt_next(&r, &rec)) == 1) {
            if (rec.at + rec.len > size) abort();   /* the reader's own promise */
            for (off = 0; cpt_item_next(&rec, &off, &it) == 1;) {
                if (it.p < data || it.p + it.len > data + size) abort();
                if (cpt_u32(&it, 0, &v)) sink += v;
                if (it.id == COPP_REC_ITEM_WIRE && cpt_wire(&it, &full, &bytes, &kept) && kept) sink += bytes[kept - 1];
                sink += (uint32_t)strlen(cpt_cb_name(it.id));
            }
            sink += (uint32_t)strlen(cpt_call_name(rec.call)) + (uint32_t)strlen(cpt_state_name(rec.state_after));
        }
        if (got < 0 && !r.failed) abort();
    }
    rc = rp_run(&st, data, size, NULL);
    if (rc < 0 || rc > 2) abort();
    (void)sink;
    return 0;
}
