// CZlib: zlib for Swift. deflateInit2 and inflateInit2 are macros, which Swift cannot call: typed wrappers here.
#ifndef TECHFLUNKY_CZLIB_SHIM_H
#define TECHFLUNKY_CZLIB_SHIM_H

#include <zlib.h>

/// windowBits 15 + 16: a gzip stream (header and CRC-32 trailer), not a bare zlib one.
static inline int tf_deflate_init_gzip(z_streamp s, int level) {
    return deflateInit2(s, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
}
static inline int tf_inflate_init_gzip(z_streamp s) { return inflateInit2(s, 15 + 16); }

#endif
