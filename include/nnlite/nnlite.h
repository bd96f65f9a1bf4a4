/**
 * @file nnlite.h
 * @brief nnlite: small neural networks in plain C. The one header to include.
 *
 * A worked example, the shape of every nnlite program:
 *
 * @code
 *   nnlite_model *model;
 *   nnlite_layer *layer;
 *   nnlite_model_create(&model, 1, 42);          // 1 input feature, seed 42
 *   nnlite_dense_create(&layer, 1, 1);           // y = b + w x
 *   nnlite_model_add(model, layer);              // the model owns it now
 *   ...loss, optimizer, then nnlite_model_fit()...
 *   nnlite_model_destroy(model);
 * @endcode
 *
 * Every fallible call returns an nnlite_status (NNLITE_OK is 0); the library
 * never aborts, exits or prints. Handles are opaque and created with
 * `_create`, released with `_destroy`.
 */
#ifndef NNLITE_NNLITE_H
#define NNLITE_NNLITE_H

#include "nnlite/export.h"
#include "nnlite/version.h"
#include "nnlite/config.h"
#include "nnlite/status.h"
#include "nnlite/alloc.h"
#include "nnlite/arena.h"
#include "nnlite/tensor.h"
#include "nnlite/layer.h"
#include "nnlite/loss.h"
#include "nnlite/optim.h"
#include "nnlite/model.h"
#include "nnlite/threads.h"
#include "nnlite/io.h"
#include "nnlite/data.h"

#endif /* NNLITE_NNLITE_H */
