/*
 * study: one model of the lecture trained with several seeds, and, when
 * the transform is left to the data, with both transforms: the one with
 * the lower mean validation MAE is kept (never the test MAE). A result
 * is the mean and the standard deviation over the seeds.
 */
#ifndef YOUTUBE_VIEWS_STUDY_H
#define YOUTUBE_VIEWS_STUDY_H

#include <stddef.h>

#include "models.h"
#include "prepare.h"

/* What the study trains: seeds and which transforms. */
typedef struct study_plan {
    training_plan training; /* its seed is the first seed */
    size_t seeds;           /* >= 1: seeds seed, seed + 1, ... */
    int transform;          /* a transform_kind, or -1: both, chosen on
                               the validation period */
} study_plan;

/* Mean and standard deviation over the seeds. */
typedef struct spread {
    double mean;
    double sd; /* sample standard deviation; 0 for a single seed */
} spread;

typedef struct model_summary {
    transform_kind transform; /* the one kept */
    spread train, validation, test;
    spread best_epoch;
    model_result first; /* the first seed's run, for the pictures */
    int skipped;        /* not trained at all (--quick) */
} model_summary;

/*
 * Train `spec` as `plan` says on the data `p` prepared, reporting
 * progress on stderr.
 * @return 0; -1 with a message in `error`. Free `out` with
 *         model_summary_free in both cases.
 */
int study_run(model_summary *out, const model_spec *spec,
              const study_plan *plan, const prepared *p, char *error,
              size_t error_size);

/* A summary of a model that needs no seeds (a baseline); takes over
 * `result`'s arrays. */
model_summary study_single(model_result *result);

void model_summary_free(model_summary *s);

#endif /* YOUTUBE_VIEWS_STUDY_H */
