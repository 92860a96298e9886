/* The ids a source has handed out, to warn when one comes again. Ids are
 * kept as 64-bit hashes with where they were first seen (16 bytes each),
 * not as strings, so a corpus of millions of records costs tens of MB at
 * most; a hash collision (odds about n^2 / 2^65) could only give a false
 * warning, never change a record. */
#ifndef GLOSSA_CORE_ID_SET_H
#define GLOSSA_CORE_ID_SET_H

#include <stddef.h>
#include <stdint.h>

/* Where an id was first given: the input's index and a place in it (a
 * line, a manifest line, or 0 for a whole file), as the source recorded. */
typedef struct glossa__id_place {
    uint32_t input;
    uint32_t where;
} glossa__id_place_t;

typedef struct glossa__id_set glossa__id_set_t;

glossa__id_set_t *glossa__id_set_new(void);
void glossa__id_set_free(glossa__id_set_t *set);

/* Adds id, seen at `here`. Returns 0 if it is new, 1 if it was given
 * before (*first says where), GLOSSA_ENOMEM when the set cannot grow. */
int glossa__id_set_add(glossa__id_set_t *set, const char *id,
                       glossa__id_place_t here, glossa__id_place_t *first);

#endif
