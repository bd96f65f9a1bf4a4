/* Stands for base/alloc_impl.h. */
