/* nnlite-mpi's collectives: status agreement, broadcasts, the weighted
 * gradient average and its ring, run under mpirun at 1, 2 and 3 ranks.
 * Every rank runs every test, in the same order. */
#include "mpi_util.h"

#include "mpi_impl.h" /* the ring, to check its order of additions */

static int setup(void **state)
{
    nnlite_mpi *mpi;
    if (nnlite_mpi_create(&mpi, MPI_COMM_WORLD) != NNLITE_OK) {
        return -1;
    }
    *state = mpi;
    return 0;
}

static int teardown(void **state)
{
    nnlite_mpi_destroy(*state);
    return 0;
}

static void test_context_rank_and_size(void **state)
{
    nnlite_mpi *mpi = *state;
    assert_int_equal(nnlite_mpi_rank(mpi), world_rank());
    assert_int_equal(nnlite_mpi_size(mpi), world_size());
    assert_int_equal(nnlite_mpi_rank(NULL), 0);
    assert_int_equal(nnlite_mpi_size(NULL), 0);
    assert_string_equal(nnlite_mpi_last_error(NULL), "");
    assert_int_equal(nnlite_mpi_create(NULL, MPI_COMM_WORLD), NNLITE_EINVAL);
}

static void test_create_refuses_half_allocator(void **state)
{
    nnlite_allocator half = {test_alloc_hook, NULL, NULL};
    nnlite_mpi *out = (nnlite_mpi *)*state;
    assert_int_equal(nnlite_mpi_create_advanced(&out, MPI_COMM_WORLD, &half),
                     NNLITE_EINVAL);
    assert_null(out);
}

/* An allocation that fails on the last rank fails creation everywhere. */
static void test_create_out_of_memory_everywhere(void **state)
{
    test_alloc_state st = {0, 0, 0, 0};
    nnlite_allocator a = test_allocator(&st);
    const int last = world_rank() == world_size() - 1;
    (void)state;
    for (size_t k = 1; k <= 3; k++) {
        nnlite_mpi *mpi = NULL;
        nnlite_status s;
        st.calls = 0;
        st.fail_at = last ? k : 0;
        s = nnlite_mpi_create_advanced(&mpi, MPI_COMM_WORLD, &a);
        if (k <= 2) { /* the context, then its record buffer */
            assert_int_equal(s, NNLITE_ENOMEM);
            assert_null(mpi);
        } else {
            assert_int_equal(s, NNLITE_OK);
            nnlite_mpi_destroy(mpi);
        }
        assert_int_equal(st.live, 0);
    }
}

static void test_agree_takes_the_lowest_failing_rank(void **state)
{
    nnlite_mpi *mpi = *state;
    const int rank = world_rank(), last = world_size() - 1;
    /* the last rank fails, and the one before it too (when there is one):
     * the lower one's status and message win */
    const int winner = last > 0 ? last - 1 : 0;
    nnlite_status mine = NNLITE_OK;
    char text[64], expect[64];
    if (rank == last) {
        mine = NNLITE_ENUMERIC;
    }
    if (last > 0 && rank == last - 1) {
        mine = NNLITE_ESHAPE;
    }
    snprintf(text, sizeof text, "trouble on %d", rank);
    snprintf(expect, sizeof expect, "rank %d: trouble on %d", winner, winner);
    assert_int_equal(nnlite_mpi_agree(mpi, NNLITE_OK, "fine"), NNLITE_OK);
    assert_string_equal(nnlite_mpi_last_error(mpi), "");
    assert_int_equal(nnlite_mpi_agree(mpi, mine, text),
                     last > 0 ? NNLITE_ESHAPE : NNLITE_ENUMERIC);
    assert_string_equal(nnlite_mpi_last_error(mpi), expect);
    assert_int_equal(nnlite_mpi_agree(NULL, NNLITE_OK, NULL), NNLITE_EINVAL);
}

static void test_broadcast_params_gives_the_roots(void **state)
{
    nnlite_mpi *mpi = *state;
    const int root = world_size() - 1;
    nnlite_model *mine = make_model((uint64_t)world_rank() + 1, 1, NULL);
    nnlite_model *roots = make_model((uint64_t)root + 1, 1, NULL);
    const size_t n = nnlite_model_param_count(mine);
    int agree = 0;
    assert_non_null(mine);
    assert_non_null(roots);
    assert_int_equal(nnlite_mpi_broadcast_params(mpi, mine, root), NNLITE_OK);
    assert_memory_equal(nnlite_model_params(mine), nnlite_model_params(roots),
                        n * sizeof(float));
    assert_int_equal(nnlite_mpi_params_agree(mpi, mine, &agree), NNLITE_OK);
    assert_int_equal(agree, 1);
    /* A root that is not a rank, and a NULL model on rank 0 only. */
    assert_int_equal(nnlite_mpi_broadcast_params(mpi, mine, world_size()),
                     NNLITE_EINVAL);
    assert_non_null(strstr(nnlite_mpi_last_error(mpi), "is not a rank"));
    assert_int_equal(nnlite_mpi_broadcast_params(
                         mpi, world_rank() == 0 ? NULL : mine, 0),
                     NNLITE_EINVAL);
    assert_string_equal(nnlite_mpi_last_error(mpi), "rank 0: model is NULL");
    assert_int_equal(nnlite_mpi_broadcast_params(NULL, mine, 0),
                     NNLITE_EINVAL);
    nnlite_model_destroy(mine);
    nnlite_model_destroy(roots);
}

/* Models of different sizes are refused everywhere, nothing changed. */
static void test_broadcast_params_refuses_other_sizes(void **state)
{
    nnlite_mpi *mpi = *state;
    nnlite_model *m;
    nnlite_layer *l;
    float before[64];
    int agree = 1;
    assert_int_equal(nnlite_model_create(&m, 2, 7), NNLITE_OK);
    assert_int_equal(nnlite_dense_create(&l, 2, (size_t)world_rank() + 1),
                     NNLITE_OK);
    assert_int_equal(nnlite_model_add(m, l), NNLITE_OK);
    memcpy(before, nnlite_model_params(m),
           nnlite_model_param_count(m) * sizeof(float));
    assert_int_equal(nnlite_mpi_broadcast_params(mpi, m, 0),
                     world_size() > 1 ? NNLITE_ESHAPE : NNLITE_OK);
    assert_memory_equal(before, nnlite_model_params(m),
                        nnlite_model_param_count(m) * sizeof(float));
    assert_int_equal(nnlite_mpi_params_agree(mpi, m, &agree), NNLITE_OK);
    assert_int_equal(agree, world_size() == 1);
    assert_int_equal(nnlite_mpi_params_agree(mpi, NULL, &agree),
                     NNLITE_EINVAL);
    assert_int_equal(nnlite_mpi_params_agree(mpi, m, NULL), NNLITE_EINVAL);
    nnlite_model_destroy(m);
}

/* A model trained a few Adam steps on rank 0: after the broadcast every
 * rank's model saves to the same bytes as the one each rank rebuilds and
 * trains itself (parameters, moments, step count, generator). */
static void test_broadcast_model_carries_optimizer_state(void **state)
{
    nnlite_mpi *mpi = *state;
    float x[16 * IN], t[16];
    nnlite_model *model = NULL, *local = make_model(3, 1, NULL);
    nnlite_tensor *tx, *tt;
    size_t a_size, b_size;
    void *a, *b;
    make_data(x, t, 16);
    assert_int_equal(nnlite_tensor_wrap2d(&tx, x, 16, IN), NNLITE_OK);
    assert_int_equal(nnlite_tensor_wrap2d(&tt, t, 16, 1), NNLITE_OK);
    for (int k = 0; k < 3; k++) {
        assert_int_equal(nnlite_model_train_batch(local, tx, tt, NULL),
                         NNLITE_OK);
    }
    if (world_rank() == 0) {
        assert_int_equal(nnlite_mpi_broadcast_model(mpi, &local, 0),
                         NNLITE_OK);
        model = local;
        local = NULL;
    } else {
        model = make_model(99, 0, NULL); /* replaced */
        assert_int_equal(nnlite_model_set_threads(model, 2), NNLITE_OK);
        assert_int_equal(nnlite_mpi_broadcast_model(mpi, &model, 0),
                         NNLITE_OK);
        assert_int_equal(nnlite_model_get_threads(model), 2);
    }
    assert_int_equal(nnlite_optimizer_step_count(
                         nnlite_model_get_optimizer(model)),
                     3);
    if (local == NULL) {
        local = make_model(3, 1, NULL);
        for (int k = 0; k < 3; k++) {
            assert_int_equal(nnlite_model_train_batch(local, tx, tt, NULL),
                             NNLITE_OK);
        }
    }
    assert_int_equal(nnlite_model_save_buffer(model, NULL, 0, &a_size),
                     NNLITE_OK);
    assert_int_equal(nnlite_model_save_buffer(local, NULL, 0, &b_size),
                     NNLITE_OK);
    assert_int_equal(a_size, b_size);
    a = test_malloc(a_size);
    b = test_malloc(b_size);
    assert_int_equal(nnlite_model_save_buffer(model, a, a_size, &a_size),
                     NNLITE_OK);
    assert_int_equal(nnlite_model_save_buffer(local, b, b_size, &b_size),
                     NNLITE_OK);
    assert_memory_equal(a, b, a_size);
    test_free(a);
    test_free(b);
    nnlite_model_destroy(model);
    nnlite_model_destroy(local);
    nnlite_tensor_destroy(tx);
    nnlite_tensor_destroy(tt);
}

static void test_broadcast_model_errors(void **state)
{
    nnlite_mpi *mpi = *state;
    nnlite_model *model = NULL;
    /* No model on the root: refused everywhere, nothing replaced. */
    assert_int_equal(nnlite_mpi_broadcast_model(mpi, &model, 0),
                     NNLITE_EINVAL);
    assert_string_equal(nnlite_mpi_last_error(mpi),
                        "rank 0: the root's model is NULL");
    assert_null(model);
    assert_int_equal(nnlite_mpi_broadcast_model(mpi, NULL, 0), NNLITE_EINVAL);
    assert_string_equal(nnlite_mpi_last_error(mpi), "rank 0: model is NULL");
    assert_int_equal(nnlite_mpi_broadcast_model(mpi, &model, -1),
                     NNLITE_EINVAL);
    assert_int_equal(nnlite_mpi_broadcast_model(NULL, &model, 0),
                     NNLITE_EINVAL);
    /* A NaN parameter on the root: it cannot be saved, so no rank
     * changes. */
    model = make_model(5, 0, NULL);
    nnlite_model_params(model)[0] = world_rank() == 0 ? NAN : 1.0f;
    {
        nnlite_model *before = model;
        assert_int_equal(nnlite_mpi_broadcast_model(mpi, &model, 0),
                         NNLITE_ENUMERIC);
        assert_ptr_equal(model, before);
        assert_non_null(strstr(nnlite_mpi_last_error(mpi), "rank 0: "));
    }
    nnlite_model_destroy(model);
}

/* The receive buffer cannot be allocated on the last rank (rank 0's
 * when alone): every rank fails alike and keeps its model. */
static void test_broadcast_model_out_of_memory_on_one_rank(void **state)
{
    test_alloc_state st = {0, 0, 0, 0};
    nnlite_allocator a = test_allocator(&st);
    const int last = world_rank() == world_size() - 1;
    nnlite_model *model = make_model(7, 1, NULL), *before = model;
    nnlite_mpi *mpi;
    char expect[64];
    (void)state;
    assert_int_equal(nnlite_mpi_create_advanced(&mpi, MPI_COMM_WORLD, &a),
                     NNLITE_OK);
    st.fail_at = last ? st.calls + 1 : 0;
    assert_int_equal(nnlite_mpi_broadcast_model(mpi, &model, 0),
                     NNLITE_ENOMEM);
    assert_ptr_equal(model, before);
    snprintf(expect, sizeof expect, "rank %d: out of memory for ",
             world_size() - 1);
    assert_memory_equal(nnlite_mpi_last_error(mpi), expect, strlen(expect));
    st.fail_at = 0;
    assert_int_equal(nnlite_mpi_broadcast_model(mpi, &model, 0), NNLITE_OK);
    nnlite_mpi_destroy(mpi);
    nnlite_model_destroy(model);
    assert_int_equal(st.live, 0);
}

/* Rank r computes the gradient of its r + 2 rows; the weighted average is
 * the gradient one process computes over all of them, in rank order. */
static void test_average_gradients_weighs_by_rows(void **state)
{
    nnlite_mpi *mpi = *state;
    const int rank = world_rank(), ranks = world_size();
    size_t all = 0, first = 0, total = 0;
    float x[64 * IN], t[64];
    nnlite_model *mine = make_model(11, 1, NULL);
    nnlite_model *one = make_model(11, 1, NULL);
    nnlite_tensor *tx, *tt;
    const size_t n = nnlite_model_param_count(mine);
    double abs_diff;
    for (int r = 0; r < ranks; r++) {
        first += r < rank ? (size_t)r + 2 : 0;
        all += (size_t)r + 2;
    }
    make_data(x, t, all);
    assert_int_equal(nnlite_tensor_wrap2d(&tx, x + first * IN,
                                          (size_t)rank + 2, IN),
                     NNLITE_OK);
    assert_int_equal(nnlite_tensor_wrap2d(&tt, t + first, (size_t)rank + 2, 1),
                     NNLITE_OK);
    assert_int_equal(nnlite_mpi_average_gradients(
                         mpi, mine, (size_t)rank + 2,
                         nnlite_model_compute_gradients(mine, tx, tt, NULL),
                         &total),
                     NNLITE_OK);
    assert_int_equal(total, all);
    assert_int_equal(nnlite_tensor_rewrap(tx, x, all), NNLITE_OK);
    assert_int_equal(nnlite_tensor_rewrap(tt, t, all), NNLITE_OK);
    assert_int_equal(nnlite_model_compute_gradients(one, tx, tt, NULL),
                     NNLITE_OK);
    assert_true(max_rel_diff(nnlite_model_grads(mine),
                             nnlite_model_grads(one), n, &abs_diff) < 1e-5);
    assert_true(same_everywhere(nnlite_model_grads(mine),
                                n * sizeof(float)));
    nnlite_model_destroy(mine);
    nnlite_model_destroy(one);
    nnlite_tensor_destroy(tx);
    nnlite_tensor_destroy(tt);
}

/* A rank without rows contributes nothing; a failure anywhere leaves
 * every rank's gradients alone. */
static void test_average_gradients_zero_rows_and_failures(void **state)
{
    nnlite_mpi *mpi = *state;
    const int rank = world_rank(), last = world_size() - 1;
    nnlite_model *m = make_model(13, 1, NULL);
    const size_t n = nnlite_model_param_count(m);
    float *g = nnlite_model_grads(m), before[64];
    size_t total = 0;
    for (size_t i = 0; i < n; i++) {
        g[i] = (float)(rank + 1) * (float)i;
    }
    /* Only rank 0 has rows: everyone gets rank 0's gradient. */
    assert_int_equal(nnlite_mpi_average_gradients(mpi, m, rank == 0 ? 5 : 0,
                                                  NNLITE_OK, &total),
                     NNLITE_OK);
    assert_int_equal(total, 5);
    for (size_t i = 0; i < n; i++) {
        assert_true(g[i] == (float)i);
    }
    memcpy(before, g, n * sizeof(float));
    assert_int_equal(nnlite_mpi_average_gradients(
                         mpi, m, 3, rank == last ? NNLITE_ENUMERIC : NNLITE_OK,
                         NULL),
                     NNLITE_ENUMERIC);
    assert_memory_equal(before, g, n * sizeof(float));
    assert_int_equal(nnlite_mpi_average_gradients(mpi, m, 0, NNLITE_OK, NULL),
                     NNLITE_EINVAL);
    assert_string_equal(nnlite_mpi_last_error(mpi),
                        "no rank has a row in this step");
    assert_int_equal(nnlite_mpi_average_gradients(mpi, rank == last ? NULL : m,
                                                  3, NNLITE_OK, NULL),
                     NNLITE_EINVAL);
    assert_int_equal(nnlite_mpi_average_gradients(NULL, m, 3, NNLITE_OK,
                                                  NULL),
                     NNLITE_EINVAL);
    nnlite_model_destroy(m);
}

/* The ring adds chunk c's values in the order c, c + 1, ... (mod N):
 * values that cancel only in that order tell the orders apart. */
static void test_ring_order_is_fixed(void **state)
{
    nnlite_mpi *mpi = *state;
    const int rank = world_rank(), ranks = world_size();
    enum { COUNT = 7 };
    float buf[COUNT], want[COUNT];
    char why[128];
    for (size_t i = 0; i < COUNT; i++) {
        /* 1e8 + 1 - 1e8 gives 0 in float, 1e8 - 1e8 + 1 gives 1 */
        buf[i] = rank == 0 ? 1e8f : rank == 1 ? 1.0f : -1e8f + (float)i;
    }
    for (size_t i = 0; i < COUNT; i++) {
        /* chunk of element i, as ring.c cuts the buffer */
        int c = 0;
        while (c + 1 < ranks &&
               i >= (size_t)COUNT / (size_t)ranks * (size_t)(c + 1) +
                        (size_t)COUNT % (size_t)ranks * (size_t)(c + 1) /
                            (size_t)ranks) {
            c++;
        }
        float sum = 0.0f;
        for (int k = 0; k < ranks; k++) {
            const int r = (c + k) % ranks;
            const float v = r == 0 ? 1e8f : r == 1 ? 1.0f : -1e8f + (float)i;
            sum = k == 0 ? v : v + sum;
        }
        want[i] = sum;
    }
    assert_int_equal(nnlite__mpi_reserve_ring(mpi, COUNT, why, sizeof why),
                     NNLITE_OK);
    assert_int_equal(nnlite__mpi_ring_sum(mpi, buf, COUNT), NNLITE_OK);
    assert_memory_equal(buf, want, sizeof buf);
    assert_true(same_everywhere(buf, sizeof buf));
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_context_rank_and_size, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_create_refuses_half_allocator,
                                        setup, teardown),
        cmocka_unit_test(test_create_out_of_memory_everywhere),
        cmocka_unit_test_setup_teardown(
            test_agree_takes_the_lowest_failing_rank, setup, teardown),
        cmocka_unit_test_setup_teardown(test_broadcast_params_gives_the_roots,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_broadcast_params_refuses_other_sizes, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_broadcast_model_carries_optimizer_state, setup, teardown),
        cmocka_unit_test_setup_teardown(test_broadcast_model_errors, setup,
                                        teardown),
        cmocka_unit_test(test_broadcast_model_out_of_memory_on_one_rank),
        cmocka_unit_test_setup_teardown(
            test_average_gradients_weighs_by_rows, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_average_gradients_zero_rows_and_failures, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ring_order_is_fixed, setup,
                                        teardown),
    };
    int failed;
    MPI_Init(&argc, &argv);
    failed = cmocka_run_group_tests_name("mpi collectives", tests, NULL, NULL);
    MPI_Finalize();
    return failed;
}
