/*
 * act_loops.h - the activations' loops over a layer's values, written once for
 * double (net.c) and float (net_float.c). LG_ACT_LOOPS(T, SFX, TANH, SIGMOID)
 * defines, for element type T and the element functions TANH and SIGMOID:
 *   act_forward##SFX(kind, s, y, N)      y = f(y) in place (s: LeakyReLU's slope)
 *   act_backward##SFX(kind, s, y, dy, dz, N)
 *                                        dz = dy * f'(z), f' from the output y
 *                                        alone; dz may be dy (each element is
 *                                        read, then written)
 *   act_backward_db##SFX(kind, s, y, dy, dz, B, O, db)
 *                                        the same on B rows of O, and, db not
 *                                        NULL, db += the column sums of dz (the
 *                                        bias gradient of the Linear layer
 *                                        before, row after row as a separate
 *                                        loop sums it, while the row is in L1)
 * f' from y: relu and leaky, y > 0 exactly when z > 0 (the slope is >= 0);
 * tanh 1 - y^2; sigmoid y (1 - y). Each loop is compiled for AVX2 and baseline
 * x86-64 (LG_SIMD_CLONES).
 */
#ifndef LG_ACT_LOOPS_H
#define LG_ACT_LOOPS_H

#define LG_ACT_LOOPS(T, SFX, TANH, SIGMOID)                                                   \
    LG_SIMD_CLONES                                                                            \
    static void act_forward##SFX(lg_layer_kind kind, T s, T *restrict y, size_t N)             \
    {                                                                                         \
        switch (kind) {                                                                       \
        case LG_LAYER_RELU:                                                                   \
            for (size_t i = 0; i < N; i++)                                                    \
                y[i] = y[i] > 0 ? y[i] : (T)0;                                                \
            break;                                                                            \
        case LG_LAYER_LEAKY_RELU:                                                             \
            for (size_t i = 0; i < N; i++)                                                    \
                y[i] = y[i] > 0 ? y[i] : s * y[i];                                            \
            break;                                                                            \
        case LG_LAYER_TANH:                                                                   \
            for (size_t i = 0; i < N; i++)                                                    \
                y[i] = TANH(y[i]);                                                            \
            break;                                                                            \
        default: /* LG_LAYER_SIGMOID: the callers pass activations only */                    \
            for (size_t i = 0; i < N; i++)                                                    \
                y[i] = SIGMOID(y[i]);                                                         \
            break;                                                                            \
        }                                                                                     \
    }                                                                                         \
    static inline __attribute__((always_inline)) void act_backward_span##SFX(lg_layer_kind kind, T s,  \
                                                                           const T *y, const T *dy,   \
                                                                           T *dz, size_t N)           \
    {                                                                                         \
        switch (kind) {                                                                       \
        case LG_LAYER_RELU:                                                                   \
            for (size_t i = 0; i < N; i++)                                                    \
                dz[i] = y[i] > 0 ? dy[i] : (T)0;                                              \
            break;                                                                            \
        case LG_LAYER_LEAKY_RELU:                                                             \
            for (size_t i = 0; i < N; i++)                                                    \
                dz[i] = y[i] > 0 ? dy[i] : s * dy[i];                                         \
            break;                                                                            \
        case LG_LAYER_TANH:                                                                   \
            for (size_t i = 0; i < N; i++)                                                    \
                dz[i] = dy[i] * ((T)1 - y[i] * y[i]);                                         \
            break;                                                                            \
        default:                                                                              \
            for (size_t i = 0; i < N; i++)                                                    \
                dz[i] = dy[i] * y[i] * ((T)1 - y[i]);                                         \
            break;                                                                            \
        }                                                                                     \
    }                                                                                         \
    LG_SIMD_CLONES __attribute__((unused))                                                    \
    static void act_backward##SFX(lg_layer_kind kind, T s, const T *y, const T *dy, T *dz, size_t N) \
    {                                                                                         \
        act_backward_span##SFX(kind, s, y, dy, dz, N);                                        \
    }                                                                                         \
    LG_SIMD_CLONES __attribute__((unused))                                                    \
    static void act_backward_db##SFX(lg_layer_kind kind, T s, const T *y, const T *dy, T *dz, \
                                     size_t B, size_t O, T *db)                               \
    {                                                                                         \
        for (size_t i = 0; i < B; i++) {                                                      \
            act_backward_span##SFX(kind, s, y + i * O, dy + i * O, dz + i * O, O);            \
            if (db)                                                                           \
                for (size_t j = 0; j < O; j++)                                                \
                    db[j] += dz[i * O + j];                                                   \
        }                                                                                     \
    }

#endif /* LG_ACT_LOOPS_H */
