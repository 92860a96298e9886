/* What the tagger (ent_tagger.c) needs of the model's weights beyond
 * entities.h. Private to ent_model.c and ent_tagger.c. */
#ifndef ENT_MODEL_H
#define ENT_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "entities.h"

/* Adds the integer weights of the keys found in the model to
 * acc[ENTITIES_N_TAGS]. Sums of int16 weights are exact in int32, so any
 * grouping of the keys gives the same totals. */
void ent_model_accumulate(const entities_model_t *m, const uint64_t *keys,
                          size_t n_keys, int32_t *acc);

/* The factor from integer sums to weights. */
float ent_model_scale(const entities_model_t *m);

#endif /* ENT_MODEL_H */
