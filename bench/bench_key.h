/* bench_key.h -- reads the shared test key (case rsa_key of
 * ../shared/vectors/copp_vectors.txt) for bench.c and budgets.c. */
#ifndef BENCH_KEY_H
#define BENCH_KEY_H
#include <stdio.h>
#include <string.h>

static int hexv(int ch) { return ch <= '9' ? ch - '0' : (ch | 0x20) - 'a' + 10; }

/* Reads the rsa_key block of copp_vectors.txt into big-endian buffers. */
static int load_key(const char *path, copp_rsa_private_key *key, uint8_t store[8][260])
{
    static const char *names[8] = { "n", "e", "d", "p", "q", "dp", "dq", "qinv" };
    copp_bytes *dst[8];
    char line[1200];
    int found = 0, i;
    FILE *f = fopen(path, "r");
    dst[0] = &key->n; dst[1] = &key->e; dst[2] = &key->d; dst[3] = &key->p;
    dst[4] = &key->q; dst[5] = &key->dp; dst[6] = &key->dq; dst[7] = &key->qinv;
    if (!f) return -1;
    while (fgets(line, sizeof line, f) && found < 8) {
        for (i = 0; i < 8; i++) {
            size_t nl = strlen(names[i]), hl, j, odd;
            char *h;
            if (strncmp(line, names[i], nl) != 0 || strncmp(line + nl, " = ", 3) != 0 || dst[i]->p) continue;
            h = line + nl + 3;
            hl = strcspn(h, "\r\n");
            odd = hl % 2;
            for (j = 0; j < (hl + odd) / 2; j++) {
                int hi = (j == 0 && odd) ? 0 : hexv(h[2 * j - odd]);
                store[i][j] = (uint8_t)(hi * 16 + hexv(h[2 * j + 1 - odd]));
            }
            dst[i]->p = store[i];
            dst[i]->len = (hl + odd) / 2;
            found++;
        }
    }
    fclose(f);
    return found == 8 ? 0 : -1;
}

#endif
