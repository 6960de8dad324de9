/*
 * html.c - what every part of the woven report writes: escaped text and
 * images as base64 data URIs.
 */
#include "lg_weave.h"

#include <stdlib.h>
#include <string.h>

void lg_weave_put_escaped(FILE *o, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        switch (s[i]) {
        case '&': fputs("&amp;", o); break;
        case '<': fputs("&lt;", o); break;
        case '>': fputs("&gt;", o); break;
        case '"': fputs("&quot;", o); break;
        default: fputc(s[i], o);
        }
}

/* RFC 4648 base64 of n bytes. */
static void put_base64(FILE *o, const unsigned char *p, size_t n)
{
    static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t i = 0;
    for (; i + 2 < n; i += 3) {
        unsigned v = (unsigned)p[i] << 16 | (unsigned)p[i + 1] << 8 | p[i + 2];
        fputc(tab[v >> 18], o);
        fputc(tab[(v >> 12) & 63], o);
        fputc(tab[(v >> 6) & 63], o);
        fputc(tab[v & 63], o);
    }
    if (n - i == 1) {
        unsigned v = (unsigned)p[i] << 16;
        fprintf(o, "%c%c==", tab[v >> 18], tab[(v >> 12) & 63]);
    } else if (n - i == 2) {
        unsigned v = (unsigned)p[i] << 16 | (unsigned)p[i + 1] << 8;
        fprintf(o, "%c%c%c=", tab[v >> 18], tab[(v >> 12) & 63], tab[(v >> 6) & 63]);
    }
}

/* "data:MIME;base64,..." of n bytes. */
char *lg_weave_data_uri_bytes(const void *data, size_t n, const char *mime)
{
    char *uri = NULL;
    size_t ulen;
    FILE *o = open_memstream(&uri, &ulen);
    LG_ASSERT(o, "open_memstream");
    fprintf(o, "data:%s;base64,", mime);
    put_base64(o, data, n);
    fclose(o);
    return uri;
}

/* "data:image/png;base64,..." for an image file, NULL when unreadable or not
 * a PNG, JPEG or GIF (checked by its magic bytes). */
char *lg_weave_data_uri(const char *path)
{
    size_t len;
    char *data = lg_read_file(path, &len);
    if (!data)
        return NULL;
    const unsigned char *u = (const unsigned char *)data;
    const char *mime = len >= 8 && !memcmp(u, "\x89PNG\r\n\x1a\n", 8) ? "image/png"
                       : len >= 3 && u[0] == 0xff && u[1] == 0xd8 && u[2] == 0xff ? "image/jpeg"
                       : len >= 6 && !memcmp(u, "GIF8", 4) ? "image/gif" : NULL;
    char *uri = mime ? lg_weave_data_uri_bytes(u, len, mime) : NULL;
    free(data);
    return uri;
}
