/* Private: CRC-32C checksum of model files. */
#ifndef NNLITE_CRC32C_IMPL_H
#define NNLITE_CRC32C_IMPL_H

#include <stddef.h>
#include <stdint.h>

/* Extend `crc` (0 to start) over `size` bytes. */
uint32_t nnlite__crc32c(uint32_t crc, const void *data, size_t size);

#endif /* NNLITE_CRC32C_IMPL_H */
