/*
 * fuzz_labkit.c - a lab's lab.ini as its experiment reads it (core/course/
 * labkit.c, lg_labkit_read_ini): the GAN's keys and a lab's own of every type
 * (string, whole number, list of whole numbers, three numbers, a positive
 * number), from [experiment] and the smoke profile.
 * Input: one byte (odd: the smoke profile), then the file. Seeds:
 * tests/fuzz/corpus/labkit (the labs' lab.ini).
 */
#include "fuzz.h"
#include "lg_course.h"

FUZZ_INIT
{
    if (size < 1)
        return 0;
    char path[PATH_MAX];
    fuzz_write("lab.ini", data + 1, size - 1, path, sizeof path);
    lg_labkit_gan gan = { "ring8", "2-4r-2", "2-4r-1", "adam:lr=2e-4", "adam:lr=2e-4", 64, 10, 1, 1, 0 };
    char name[32] = "x";
    long samples = 100, every[8] = { 0 };
    size_t n_every = 0;
    double grid[3] = { -1, 1, 11 }, bw = 0.1;
    const lg_labkit_key keys[] = {
        { "name", LG_LABKIT_STRING, name, sizeof name, NULL },
        { "samples", LG_LABKIT_LONG, &samples, 1, NULL },
        { "snapshots", LG_LABKIT_LONGS, every, 8, &n_every },
        { "grid", LG_LABKIT_DOUBLES, grid, 3, NULL },
        { "bandwidth", LG_LABKIT_POSITIVE, &bw, 1, NULL },
    };
    const lg_lab_run run = { NULL, path, fuzz_dir, (data[0] & 1) ? "smoke" : NULL };
    if (lg_labkit_read_ini(&run, &gan, keys, sizeof keys / sizeof keys[0]) == LG_OK) {
        LG_ASSERT(memchr(name, 0, sizeof name) && memchr(gan.g, 0, sizeof gan.g), "strings fit");
        LG_ASSERT(n_every <= 8, "a list fits");
        LG_ASSERT(bw > 0, "a positive number is positive");
    }
    return 0;
}
