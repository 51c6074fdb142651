/* A small deterministic random generator for tests (splitmix64): the same seed gives the same
 * data on every machine, so a failure can be replayed. */
#ifndef FF_TEST_RNG_H
#define FF_TEST_RNG_H

#include <stdint.h>

typedef struct rng {
    uint64_t state;
} rng;

static inline uint64_t rnd(rng *r) {
    uint64_t z = (r->state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* Uniform in [0, 1). */
static inline double rnd_unit(rng *r) {
    return (double)(rnd(r) >> 11) / 9007199254740992.0;
}

#endif
