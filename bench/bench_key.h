/* bench_key.h -- reads the test key (case rsa_key of a copp_vectors.txt; the
 * Makefile points COPP_VECTORS at the in-repo tests/vectors) for bench.c and
 * budgets.c, through the file reader and hex decoder the tools and tests
 * share (tools/copp_io.h). */
#ifndef BENCH_KEY_H
#define BENCH_KEY_H
#include <stdio.h>
#include <string.h>
#include "../tools/copp_io.h"

/* Reads the rsa_key block of copp_vectors.txt into big-endian buffers. */
static int load_key(const char *path, copp_rsa_private_key *key, uint8_t store[8][260])
{
    static const char *names[8] = { "n", "e", "d", "p", "q", "dp", "dq", "qinv" };
    copp_bytes *dst[8];
    char err[COPP_IO_ERR_BYTES], *text, *line;
    size_t len;
    int found = 0, i;
    dst[0] = &key->n; dst[1] = &key->e; dst[2] = &key->d; dst[3] = &key->p;
    dst[4] = &key->q; dst[5] = &key->dp; dst[6] = &key->dq; dst[7] = &key->qinv;
    text = (char *)copp_io_read(path, 1u << 20, &len, err);
    if (!text) {
        fprintf(stderr, "%s\n", err);
        return -1;
    }
    for (line = strtok(text, "\n"); line && found < 8; line = strtok(NULL, "\n")) {
        for (i = 0; i < 8; i++) {
            size_t nl = strlen(names[i]), hl, odd, n = 0, bad = 0;
            char *h;
            if (strncmp(line, names[i], nl) != 0 || strncmp(line + nl, " = ", 3) != 0 || dst[i]->p) continue;
            h = line + nl + 3;
            hl = strcspn(h, "\r");
            odd = hl % 2;   /* e = 10001: a leading zero nibble */
            store[i][0] = 0;
            if (odd && (copp_io_hexval((unsigned char)h[0]) < 0 ||
                        copp_io_hex(h + 1, hl - 1, store[i] + 1, 259, &n, &bad) != 0))
                break;
            if (odd) store[i][0] = (uint8_t)copp_io_hexval((unsigned char)h[0]), n++;
            else if (copp_io_hex(h, hl, store[i], 260, &n, &bad) != 0) break;
            dst[i]->p = store[i];
            dst[i]->len = n;
            found++;
        }
    }
    free(text);
    return found == 8 ? 0 : -1;
}

#endif
