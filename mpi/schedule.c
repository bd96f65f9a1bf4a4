/* Learning-rate schedules (model.h gives the formulas; PyTorch's
 * lr_scheduler stepped once per epoch). Closed forms in double from the
 * starting rate, so long runs accumulate no rounding. */
#include "schedule_impl.h"

#include <float.h>
#include <math.h>

/* ReduceLROnPlateau ignores a reduction smaller than this (PyTorch's
 * eps). */
#define PLATEAU_EPS 1e-8

void nnlite__mpi_schedule_start(nnlite__mpi_schedule *sc,
                                const nnlite_lr_schedule *settings,
                                float lr0, size_t epochs)
{
    sc->settings = *settings;
    sc->lr0 = settings->base_lr > 0.0f ? (double)settings->base_lr
                                       : (double)lr0;
    sc->lr = (float)sc->lr0;
    sc->t_max = settings->t_max != 0 ? settings->t_max
                                     : settings->first_epoch + epochs;
    sc->best = (double)INFINITY;
    sc->bad_epochs = 0;
}

float nnlite__mpi_schedule_rate(const nnlite__mpi_schedule *sc,
                                size_t fit_epoch)
{
    const nnlite_lr_schedule *s = &sc->settings;
    const size_t e = s->first_epoch + fit_epoch;
    const double gamma = (double)s->gamma;
    const double pi = 3.14159265358979323846;
    double lr;
    switch (s->kind) {
    case NNLITE_LR_STEP:
        lr = sc->lr0 * pow(gamma, (double)(e / s->step_size));
        break;
    case NNLITE_LR_EXPONENTIAL:
        lr = sc->lr0 * pow(gamma, (double)e);
        break;
    case NNLITE_LR_COSINE:
        lr = (double)s->min_lr +
             (sc->lr0 - (double)s->min_lr) *
                 (1.0 + cos(pi * (double)e / (double)sc->t_max)) / 2.0;
        break;
    default: /* constant, or plateau: the last reduction's rate */
        return sc->lr;
    }
    /* An optimizer takes rates > 0 only: cosine reaches 0 at t_max when
     * min_lr is 0, and a long decay can underflow. */
    return lr >= (double)FLT_MIN ? (float)lr : FLT_MIN;
}

void nnlite__mpi_schedule_observe(nnlite__mpi_schedule *sc, float loss)
{
    const nnlite_lr_schedule *s = &sc->settings;
    double reduced;
    if (s->kind != NNLITE_LR_PLATEAU) {
        return;
    }
    if ((double)loss < sc->best * (1.0 - (double)s->threshold)) {
        sc->best = (double)loss;
        sc->bad_epochs = 0;
    } else {
        sc->bad_epochs++;
    }
    if (sc->bad_epochs <= s->patience) {
        return;
    }
    sc->bad_epochs = 0;
    reduced = fmax((double)sc->lr * (double)s->gamma, (double)s->min_lr);
    if ((double)sc->lr - reduced > PLATEAU_EPS) {
        sc->lr = reduced >= (double)FLT_MIN ? (float)reduced : FLT_MIN;
    }
}
