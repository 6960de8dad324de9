/*
 * frame.h - the framed binary files the engine keeps: checkpoints (ckpt.c)
 * and classifiers (classifier_io.c). Engine-internal.
 *
 * A frame (little-endian, as this machine writes it):
 *   magic[8], u32 version, u32 zero, u64 payload length,
 *   payload, u32 CRC-32 (zlib) of the payload.
 * Each file keeps its own payload and the checks of its fields; the frame
 * reads and writes the rest. Reading trusts nothing: only a regular file of
 * bounded size is read (a FIFO or a link to /dev/zero would block or never
 * end), a short file is told apart from a foreign one, and a valid CRC only
 * says the bytes are the ones written - the fields are checked after it.
 */
#ifndef LG_FRAME_H
#define LG_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LG_FRAME_HEADER 24 /* magic, version, zero, payload length */

/* A byte buffer: grown by the puts; read by the gets from pos, which never
 * read past n - a field that would sets bad and reads zeros instead, so a
 * payload is read field by field and checked for bad once at the end. */
typedef struct lg_bytes {
    unsigned char *p;
    size_t n, cap, pos;
    bool bad; /* a get ran past the end */
} lg_bytes;

void lg_bytes_put(lg_bytes *b, const void *src, size_t n);
void lg_bytes_put_u64(lg_bytes *b, uint64_t v);
void lg_bytes_put_i64(lg_bytes *b, int64_t v);
void lg_bytes_put_doubles(lg_bytes *b, const double *x, size_t n);
void lg_bytes_get(lg_bytes *b, void *dst, size_t n);
uint64_t lg_bytes_get_u64(lg_bytes *b);
int64_t lg_bytes_get_i64(lg_bytes *b);
/* n doubles into dst, each finite (and >= 0 with nonneg); the first that is
 * not refused as "PATH: WHAT[k] is V (must be finite...)". Past the end: bad
 * set and LG_OK (the caller reports the malformed payload). */
int lg_bytes_get_doubles(lg_bytes *b, const char *path, double *dst, size_t n, bool nonneg, const char *what);
/* The bytes not read yet. */
size_t lg_bytes_left(const lg_bytes *b);
void lg_bytes_free(lg_bytes *b);

/* One kind of framed file, and the words its refusals use. */
typedef struct lg_frame_kind {
    const char *magic;     /* 8 bytes */
    uint32_t version;
    const char *noun;      /* "checkpoint": "not a litgan checkpoint", "checkpoint is truncated" */
    const char *file_noun; /* "classifier file": "classifier file is truncated" */
    const char *too_big;   /* "a checkpoint of this run can hold": "N bytes, more than ..." */
    const char *missing;   /* the refusal of a path with nothing there, or NULL: "cannot read" */
    const char *regular;   /* why only a regular file: "is a FIFO, not a checkpoint (REGULAR)" */
    const char *upgrade;   /* what to do with another version */
    bool zero_checked;     /* the u32 after the version must be 0 (classifiers; checkpoints
                              never checked it, and a reader stays as it was) */
} lg_frame_kind;

/* payload framed into path, written atomically (lg_atomic_open). */
int lg_frame_write(const char *path, const lg_frame_kind *k, const lg_bytes *payload);
/* The file at path, if a regular file of at most max_bytes whose frame is
 * sound: *payload holds the whole file with pos at the payload's first byte
 * and n at its end (the CRC after it cannot be read as a field). Free it
 * with lg_frame_done. */
int lg_frame_read(const char *path, const lg_frame_kind *k, uint64_t max_bytes, lg_bytes *payload);
/* rc, or when rc is LG_OK and a field ran past the end the refusal of a
 * malformed payload; frees the payload. */
int lg_frame_done(const char *path, const lg_frame_kind *k, lg_bytes *payload, int rc);

#endif /* LG_FRAME_H */
