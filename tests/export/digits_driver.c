/* The exported digits classifier over the held-out test digits, on any
 * target with a C99 compiler: prints how many it gets right, how many
 * rows give nnlite's logits bit for bit, and `accuracy X`; exits 0 when
 * it classifies exactly the digits nnlite classifies (the count
 * digits_export found). Build it with digits_model.c and
 * digits_test_set.c, which digits_export writes. Needs only printf. */
#include <stdio.h>

#include "digits_test_set.h"

void digits_predict(const float *x, float *y);

/* The float with these bits (C99 allows reading another union member). */
static float from_bits(unsigned long bits)
{
    union {
        unsigned int u;
        float f;
    } v;
    v.u = (unsigned int)bits;
    return v.f;
}

static unsigned int to_bits(float f)
{
    union {
        float f;
        unsigned int u;
    } v;
    v.f = f;
    return v.u;
}

int main(void)
{
    float x[64], y[10];
    unsigned long correct = 0, identical = 0;
    unsigned long r, j;

    if (sizeof(unsigned int) != sizeof(float)) {
        printf("digits_driver: needs a 32-bit unsigned int\n");
        return 1;
    }
    for (r = 0; r < DIGITS_TEST_ROWS; r++) {
        unsigned long best = 0, same = 1;
        for (j = 0; j < 64; j++) {
            x[j] = (float)digits_test_pixels[r][j];
        }
        digits_predict(x, y);
        for (j = 0; j < 10; j++) {
            best = y[j] > y[best] ? j : best; /* the first largest */
            same &= to_bits(y[j]) == digits_test_logits[r][j];
        }
        correct += best == digits_test_labels[r];
        identical += same;
        if (!same && identical + 1 == r + 1) { /* the first difference */
            printf("row %lu: logit 0 %.9g, nnlite on the host %.9g\n", r,
                   (double)y[0], (double)from_bits(digits_test_logits[r][0]));
        }
    }
    /* 4 decimals, rounded, in integers (no float printf needed) */
    const unsigned long q = (correct * 20000ul / DIGITS_TEST_ROWS + 1) / 2;
    printf("exported model: %lu of %d test digits right; nnlite: %d\n",
           correct, DIGITS_TEST_ROWS, DIGITS_NNLITE_CORRECT);
    printf("logits: %lu of %d rows bit for bit as nnlite on the host\n",
           identical, DIGITS_TEST_ROWS);
    printf("accuracy %lu.%04lu\n", q / 10000, q % 10000);
    return correct == DIGITS_NNLITE_CORRECT ? 0 : 1;
}
