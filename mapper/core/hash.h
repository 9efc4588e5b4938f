/* hash.h -- one hash for the keys and fingerprints wardmap computes.
 *
 * FNV-1a, 64-bit: a cache file's name from its source's path and state
 * (source_cache.h), a layer's content for the outer boundary kept from
 * one figure to the next (outer_boundary.h).  Not cryptographic: it
 * tells apart inputs that differ by accident, not by design.
 *
 *     uint64_t h = WM_HASH_START;
 *     h = wm_hash(h, path, strlen(path) + 1);
 *     h = wm_hash(h, &st.st_size, sizeof st.st_size);
 */
#ifndef WM_HASH_H
#define WM_HASH_H

#include <stddef.h>
#include <stdint.h>

#define WM_HASH_START 14695981039346656037ULL

/* `h` continued over `n` bytes of `data`. */
uint64_t wm_hash(uint64_t h, const void *data, size_t n);

#endif
