/* Stands for model/model_impl.h. */
