/* Private: the optimizer update loops written once for any vector width.
 * The including file defines TARGET (its target attribute), VEC (the
 * vector type), WIDTH (floats per vector) and LOAD, STORE, SET1, ADD, SUB,
 * MUL, DIV, SQRT for it, then names the three kernels SGD_FN, MOMENTUM_FN
 * and ADAM_FN. Full vectors run here; the last WIDTH - 1 or fewer elements
 * run the scalar element functions, which do the same operations in the
 * same order (update_impl.h), so the bits never depend on the split. */
#include "update_impl.h"

/* Sum of x - x over lanes: 0 while every lane stays finite. */
#define FLAG(bad, x) ((bad) = ADD((bad), SUB((x), (x))))

/* Reduce the lane flags and the scalar tail's flag to one answer. */
TARGET static inline bool all_lanes_zero(VEC bad, float tail)
{
    float lanes[WIDTH];
    float sum = tail;
    STORE(lanes, bad);
    for (size_t i = 0; i < WIDTH; i++) {
        sum += lanes[i];
    }
    return sum == 0.0f;
}

TARGET static bool SGD_FN(const nnlite__update *u, size_t i0, size_t i1)
{
    const VEC lr = SET1(u->lr), wd = SET1(u->weight_decay);
    VEC bad = SET1(0.0f);
    float tail = 0.0f;
    size_t i = i0;
    for (; i + WIDTH <= i1; i += WIDTH) {
        const VEC p = LOAD(u->params + i);
        const VEC g = ADD(LOAD(u->grads + i), MUL(wd, p));
        const VEC p1 = SUB(p, MUL(lr, g));
        STORE(u->backup + i, p);
        STORE(u->params + i, p1);
        FLAG(bad, p1);
    }
    for (; i < i1; i++) {
        tail += nnlite__sgd_element(u, i);
    }
    return all_lanes_zero(bad, tail);
}

TARGET static bool MOMENTUM_FN(const nnlite__update *u, size_t i0,
                               size_t i1)
{
    const VEC lr = SET1(u->lr), wd = SET1(u->weight_decay);
    const VEC mu = SET1(u->momentum);
    VEC bad = SET1(0.0f);
    float tail = 0.0f;
    size_t i = i0;
    for (; i + WIDTH <= i1; i += WIDTH) {
        const VEC p = LOAD(u->params + i);
        const VEC g = ADD(LOAD(u->grads + i), MUL(wd, p));
        const VEC v = ADD(MUL(mu, LOAD(u->state + i)), g);
        const VEC step = u->nesterov ? ADD(g, MUL(mu, v)) : v;
        const VEC p1 = SUB(p, MUL(lr, step));
        STORE(u->backup + i, p);
        STORE(u->params + i, p1);
        STORE(u->next_state + i, v);
        FLAG(bad, p1);
        FLAG(bad, v);
    }
    for (; i < i1; i++) {
        tail += nnlite__momentum_element(u, i);
    }
    return all_lanes_zero(bad, tail);
}

TARGET static bool ADAM_FN(const nnlite__update *u, size_t i0, size_t i1)
{
    const size_t n = u->n;
    const VEC wd = SET1(u->weight_decay);
    const VEC b1 = SET1(u->beta1), rest1 = SET1(1.0f - u->beta1);
    const VEC b2 = SET1(u->beta2), rest2 = SET1(1.0f - u->beta2);
    const VEC step_size = SET1(u->step_size), bc2 = SET1(u->bc2_sqrt);
    const VEC eps = SET1(u->epsilon), decay = SET1(u->decay);
    VEC bad = SET1(0.0f);
    float tail = 0.0f;
    size_t i = i0;
    for (; i + WIDTH <= i1; i += WIDTH) {
        const VEC p = LOAD(u->params + i);
        const VEC g = u->decoupled ? LOAD(u->grads + i)
                                   : ADD(LOAD(u->grads + i), MUL(wd, p));
        const VEC m = ADD(MUL(b1, LOAD(u->state + i)), MUL(rest1, g));
        const VEC v = ADD(MUL(b2, LOAD(u->state + n + i)),
                          MUL(MUL(rest2, g), g));
        const VEC denominator = ADD(DIV(SQRT(v), bc2), eps);
        const VEC p1 =
            SUB(MUL(p, decay), DIV(MUL(step_size, m), denominator));
        STORE(u->backup + i, p);
        STORE(u->params + i, p1);
        STORE(u->next_state + i, m);
        STORE(u->next_state + n + i, v);
        FLAG(bad, p1);
        FLAG(bad, m);
        FLAG(bad, v);
    }
    for (; i < i1; i++) {
        tail += nnlite__adam_element(u, i);
    }
    return all_lanes_zero(bad, tail);
}

#undef FLAG
