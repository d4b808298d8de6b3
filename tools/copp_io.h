/* copp_io.h -- file, hex and key-file helpers shared by the demo
 * (copp_hw_example.c), coppdump, the tests and the bench.  Not part of the
 * library: copp.h reads no files.  Include after copp.h (with the backends
 * you use enabled); every function is static.
 *
 *   copp_io_read      a whole file (or "-" for stdin) of at most `max` bytes,
 *                     refused before it is read whole if larger; errors name
 *                     the file, the errno text and the bytes received vs expected
 *   copp_io_hex       hex text to bytes (whitespace and ':' between digit
 *                     pairs ignored); a bad character is reported by offset
 *   copp_io_key_*     a key file into a backend: PEM if the file has a
 *                     '-----BEGIN ' line, DER otherwise, through the backend's
 *                     own decoders (copp_*_init_pem / _init_der) */
#ifndef COPP_IO_H
#define COPP_IO_H

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define COPP_IO_ERR_BYTES 512

#if defined(__GNUC__) || defined(__clang__)
#define COPP_IO_FN static __attribute__((unused))   /* a program need not use every helper */
#else
#define COPP_IO_FN static
#endif

COPP_IO_FN void copp_io_fail(char err[COPP_IO_ERR_BYTES], const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, COPP_IO_ERR_BYTES, fmt, ap);
    va_end(ap);
}

/* Read all of path ("-": stdin) into a malloc'd buffer with a NUL after the
 * last byte.  A regular file larger than max is refused from its size
 * (fstat) before anything is read; a pipe is read up to max + 1 bytes and
 * refused if it reaches that.  Returns the buffer (free it), or NULL with a
 * message in err: "PATH: No such file or directory", "PATH: 200000000 bytes,
 * more than the 65536-byte limit", "PATH: read 100 of 4096 bytes: ...". */
COPP_IO_FN uint8_t *copp_io_read(const char *path, size_t max, size_t *len, char err[COPP_IO_ERR_BYTES])
{
    int is_stdin = strcmp(path, "-") == 0;
    const char *name = is_stdin ? "<stdin>" : path;
    FILE *f;
    struct stat st;
    size_t want = max + 1, got = 0;   /* a stream: read one byte past the limit to see if it is over */
    uint8_t *buf;
    *len = 0;
    if (!is_stdin && stat(path, &st) == 0) {
        if (S_ISDIR(st.st_mode)) {
            copp_io_fail(err, "%s: %s", name, strerror(EISDIR));
            return NULL;
        }
        if (S_ISREG(st.st_mode)) {
            if ((unsigned long long)st.st_size > (unsigned long long)max) {
                copp_io_fail(err, "%s: %llu bytes, more than the %lu-byte limit", name,
                             (unsigned long long)st.st_size, (unsigned long)max);
                return NULL;
            }
            want = (size_t)st.st_size;
        }
    }
    f = is_stdin ? stdin : fopen(path, "rb");
    if (f == NULL) {
        copp_io_fail(err, "%s: %s", name, strerror(errno));
        return NULL;
    }
    buf = (uint8_t *)malloc(want + 1);
    if (buf == NULL) {
        copp_io_fail(err, "%s: out of memory for %lu bytes", name, (unsigned long)want);
        if (!is_stdin) fclose(f);
        return NULL;
    }
    while (got < want) {
        size_t n = fread(buf + got, 1, want - got, f);
        if (n == 0) break;
        got += n;
    }
    if (ferror(f)) {
        copp_io_fail(err, "%s: read %lu of %lu bytes: %s", name, (unsigned long)got, (unsigned long)want, strerror(errno));
        free(buf);
        if (!is_stdin) fclose(f);
        return NULL;
    }
    if (!is_stdin) fclose(f);
    if (got > max) {
        copp_io_fail(err, "%s: more than the %lu-byte limit", name, (unsigned long)max);
        free(buf);
        return NULL;
    }
    if (want != max + 1 && got != want) {   /* a regular file that shrank while being read */
        copp_io_fail(err, "%s: read %lu of %lu bytes", name, (unsigned long)got, (unsigned long)want);
        free(buf);
        return NULL;
    }
    buf[got] = 0;
    *len = got;
    return buf;
}

COPP_IO_FN int copp_io_hexval(int ch)
{
    if (ch >= '0' && ch <= '9') return ch - '0';
    if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
    return -1;
}

/* Hex text[0..len) to out (at most cap bytes).  Whitespace and ':' may sit
 * between digit pairs.  Returns 0 with *out_len; or -1 with *bad = the
 * offset of the first character that is not a hex digit, of a lone last
 * digit, or of the first digit past cap bytes. */
COPP_IO_FN int copp_io_hex(const char *text, size_t len, uint8_t *out, size_t cap, size_t *out_len, size_t *bad)
{
    size_t i, o = 0;
    for (i = 0; i < len; i++) {
        int hi, lo;
        char c = text[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' || c == ':') continue;
        hi = copp_io_hexval((unsigned char)c);
        if (hi < 0) { *bad = i; return -1; }
        if (i + 1 >= len) { *bad = i; return -1; }
        lo = copp_io_hexval((unsigned char)text[i + 1]);
        if (lo < 0) { *bad = i + 1; return -1; }
        if (o == cap) { *bad = i; return -1; }
        out[o++] = (uint8_t)(hi * 16 + lo);
        i++;
    }
    *out_len = o;
    return 0;
}

/* Does the file look like PEM (a '-----BEGIN ' somewhere)? */
COPP_IO_FN int copp_io_is_pem(const uint8_t *data, size_t len)
{
    size_t i;
    for (i = 0; i + 11 <= len; i++)
        if (memcmp(data + i, "-----BEGIN ", 11) == 0) return 1;
    return 0;
}

#if defined(COPP_WITH_LIBTOM) || defined(COPP_WITH_OPENSSL) || defined(COPP_WITH_BEARSSL)
/* The error text of a refused key: "PATH: E_INVALIDARG: the key is encrypted ...". */
COPP_IO_FN int32_t copp_io_key_result(int32_t hr, uint32_t reason, const char *path, char err[COPP_IO_ERR_BYTES])
{
    if (hr != COPP_S_OK) copp_io_fail(err, "%s: %s: %s", path, copp_result_str(hr), copp_key_reason_str(reason));
    return hr;
}
#endif

#if defined(COPP_WITH_LIBTOM) || defined(COPP_WITH_OPENSSL) || defined(COPP_WITH_BEARSSL)
/* A key file's bytes (free them with copp_io_key_done), after zeroing the
 * backend object k so that there is nothing to free if the read fails. */
COPP_IO_FN uint8_t *copp_io_key_file(void *k, size_t k_size, const char *path, size_t *len, char err[COPP_IO_ERR_BYTES])
{
    memset(k, 0, k_size);
    return copp_io_read(path, COPP_KEY_MAX_BYTES, len, err);
}

COPP_IO_FN void copp_io_key_done(uint8_t *data, size_t len)
{
    memset(data, 0, len);
    free(data);
}
#endif

#ifdef COPP_WITH_LIBTOM
/* Load a key file (PEM or DER, PKCS #1 or PKCS #8) into the libtom backend.
 * Returns the init's HRESULT (COPP_E_FAIL when the file cannot be read);
 * on failure err says why. */
COPP_IO_FN int32_t copp_io_key_libtom(copp_libtom *k, const char *path, uint32_t flags, char err[COPP_IO_ERR_BYTES])
{
    size_t len;
    int32_t hr;
    uint8_t *data = copp_io_key_file(k, sizeof *k, path, &len, err);
    if (data == NULL) return COPP_E_FAIL;
    hr = copp_io_is_pem(data, len) ? copp_libtom_init_pem(k, (const char *)data, len, NULL, NULL, flags)
                                   : copp_libtom_init_der(k, data, len, NULL, NULL, flags);
    copp_io_key_done(data, len);
    return copp_io_key_result(hr, k->key_reason, path, err);
}
#endif

#ifdef COPP_WITH_OPENSSL
/* The same for the OpenSSL backend. */
COPP_IO_FN int32_t copp_io_key_openssl(copp_openssl *k, const char *path, uint32_t flags, char err[COPP_IO_ERR_BYTES])
{
    size_t len;
    int32_t hr;
    uint8_t *data = copp_io_key_file(k, sizeof *k, path, &len, err);
    if (data == NULL) return COPP_E_FAIL;
    hr = copp_io_is_pem(data, len) ? copp_openssl_init_pem(k, (const char *)data, len, NULL, NULL, flags)
                                   : copp_openssl_init_der(k, data, len, NULL, NULL, flags);
    copp_io_key_done(data, len);
    return copp_io_key_result(hr, k->key_reason, path, err);
}
#endif

#ifdef COPP_WITH_BEARSSL
/* The same for the BearSSL backend, which has no default RNG: rng is the
 * caller's hook. */
COPP_IO_FN int32_t copp_io_key_bearssl(copp_bearssl *k, const char *path, int (*rng)(void *user, uint8_t *buf, size_t len),
                                       void *rng_user, uint32_t flags, char err[COPP_IO_ERR_BYTES])
{
    size_t len;
    int32_t hr;
    uint8_t *data = copp_io_key_file(k, sizeof *k, path, &len, err);
    if (data == NULL) return COPP_E_FAIL;
    hr = copp_io_is_pem(data, len) ? copp_bearssl_init_pem(k, (const char *)data, len, rng, rng_user, flags)
                                   : copp_bearssl_init_der(k, data, len, rng, rng_user, flags);
    copp_io_key_done(data, len);
    return copp_io_key_result(hr, k->key_reason, path, err);
}
#endif

#endif /* COPP_IO_H */
