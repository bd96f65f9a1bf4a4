/* Private: the optimizer update loops written once for any vector width.
 * The including file defines TARGET (its target attribute), VEC (the
 * vector type), WIDTH (floats per vector), MASK (a lane mask type) with
 * TAIL_MASK(n) (the first n lanes), LOAD, STORE, LOAD_MASKED (zero in
 * lanes outside the mask), STORE_MASKED, SET1, ADD, SUB, MUL, DIV, SQRT
 * and ALL_ZERO (true when every lane is 0), then names the three kernels
 * SGD_FN, MOMENTUM_FN and ADAM_FN. Each lane does the operations of the
 * portable path (update_generic.c) in the same order, so the bits never
 * depend on the path or the split. The last, partial vector is masked:
 * zeros in the other lanes keep every rule finite there (Adam divides by
 * 0 / bc2 + eps), so the flag holds. */
#include "update_impl.h"

/* Sum of x - x over lanes: 0 while every lane stays finite. */
#define FLAG(bad, x) ((bad) = ADD((bad), SUB((x), (x))))

/* Whole vectors load and store plainly, the tail through its mask; the
 * bodies below are inlined with `full` constant, so no test remains. */
#define LD(p) (full ? LOAD(p) : LOAD_MASKED(m, p))
#define ST(p, v) (full ? STORE(p, v) : STORE_MASKED(p, m, v))

/* The parameters at i (a vector's worth, or the lanes of m). */
TARGET static inline VEC sgd_lanes(const nnlite__update *u, size_t i,
                                   MASK m, bool full, VEC bad)
{
    const VEC lr = SET1(u->lr), wd = SET1(u->weight_decay);
    const VEC p = LD(u->params + i);
    const VEC g = ADD(LD(u->grads + i), MUL(wd, p));
    const VEC p1 = SUB(p, MUL(lr, g));
    ST(u->backup + i, p);
    ST(u->params + i, p1);
    return FLAG(bad, p1);
}

TARGET static inline VEC momentum_lanes(const nnlite__update *u, size_t i,
                                        MASK m, bool full, VEC bad)
{
    const VEC lr = SET1(u->lr), wd = SET1(u->weight_decay);
    const VEC mu = SET1(u->momentum), dampen = SET1(u->dampen);
    const VEC p = LD(u->params + i);
    const VEC g = ADD(LD(u->grads + i), MUL(wd, p));
    const VEC v = ADD(MUL(mu, LD(u->state + i)), MUL(dampen, g));
    const VEC step = u->nesterov ? ADD(g, MUL(mu, v)) : v;
    const VEC p1 = SUB(p, MUL(lr, step));
    ST(u->backup + i, p);
    ST(u->params + i, p1);
    ST(u->next_state + i, v);
    FLAG(bad, p1);
    return FLAG(bad, v);
}

TARGET static inline VEC adam_lanes(const nnlite__update *u, size_t i,
                                    MASK m, bool full, VEC bad)
{
    const size_t n = u->n;
    const VEC wd = SET1(u->weight_decay);
    const VEC b1 = SET1(u->beta1), rest1 = SET1(1.0f - u->beta1);
    const VEC b2 = SET1(u->beta2), rest2 = SET1(1.0f - u->beta2);
    const VEC step_size = SET1(u->step_size), bc2 = SET1(u->bc2_sqrt);
    const VEC eps = SET1(u->epsilon), decay = SET1(u->decay);
    const VEC p = LD(u->params + i);
    const VEC g = u->decoupled ? LD(u->grads + i)
                               : ADD(LD(u->grads + i), MUL(wd, p));
    const VEC m1 = ADD(MUL(b1, LD(u->state + i)), MUL(rest1, g));
    const VEC v1 =
        ADD(MUL(b2, LD(u->state + n + i)), MUL(MUL(rest2, g), g));
    const VEC vmax = u->amsgrad ? MAX(LD(u->state + 2 * n + i), v1) : v1;
    const VEC denominator = ADD(DIV(SQRT(vmax), bc2), eps);
    const VEC p1 = SUB(MUL(p, decay), DIV(MUL(step_size, m1), denominator));
    ST(u->backup + i, p);
    ST(u->params + i, p1);
    ST(u->next_state + i, m1);
    ST(u->next_state + n + i, v1);
    if (u->amsgrad) {
        ST(u->next_state + 2 * n + i, vmax);
    }
    FLAG(bad, p1);
    FLAG(bad, m1);
    return FLAG(bad, v1);
}

/* The kernel over [i0, i1) for one rule's lanes function. */
#define UPDATE_KERNEL(name, lanes)                                          \
    TARGET static bool name(const nnlite__update *u, size_t i0, size_t i1) \
    {                                                                       \
        const MASK all = TAIL_MASK(WIDTH);                                  \
        VEC bad = SET1(0.0f);                                               \
        size_t i = i0;                                                      \
        for (; i + WIDTH <= i1; i += WIDTH) {                               \
            bad = lanes(u, i, all, true, bad);                              \
        }                                                                   \
        if (i < i1) {                                                       \
            bad = lanes(u, i, TAIL_MASK(i1 - i), false, bad);               \
        }                                                                   \
        return ALL_ZERO(bad);                                               \
    }

UPDATE_KERNEL(SGD_FN, sgd_lanes)
UPDATE_KERNEL(MOMENTUM_FN, momentum_lanes)
UPDATE_KERNEL(ADAM_FN, adam_lanes)

#undef UPDATE_KERNEL
#undef ST
#undef LD
#undef FLAG
