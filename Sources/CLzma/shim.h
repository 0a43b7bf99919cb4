#include <lzma.h>

/* LZMA_CONCATENATED is a macro built with UINT32_C, which Swift does not import. */
static const uint32_t clzma_concatenated = LZMA_CONCATENATED;
