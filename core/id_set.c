/* The ids a source has handed out: an open-addressing hash set of 64-bit
 * id hashes (XXH3) with linear probing, kept under 3/4 full. */
#include "id_set.h"

#include <string.h>

#include <xxhash.h>

#include "alloc.h"
#include "glossa/glossa.h"

typedef struct slot {
    uint64_t hash; /* 0: empty (a real hash of 0 is stored as 1) */
    glossa__id_place_t first;
} slot_t;

struct glossa__id_set {
    slot_t *slots;
    size_t cap; /* a power of two, or 0 before the first id */
    size_t used;
};

glossa__id_set_t *glossa__id_set_new(void)
{
    return glossa__calloc(1, sizeof(glossa__id_set_t));
}

void glossa__id_set_free(glossa__id_set_t *set)
{
    if (!set)
        return;
    glossa__free(set->slots);
    glossa__free(set);
}

static slot_t *find_slot(slot_t *slots, size_t cap, uint64_t hash)
{
    size_t i = (size_t)hash & (cap - 1);
    while (slots[i].hash && slots[i].hash != hash)
        i = (i + 1) & (cap - 1);
    return &slots[i];
}

static int grow(glossa__id_set_t *set)
{
    size_t cap = set->cap ? set->cap * 2 : 1024;
    slot_t *slots = glossa__calloc(cap, sizeof(slot_t));
    if (!slots)
        return GLOSSA_ENOMEM;
    for (size_t i = 0; i < set->cap; i++)
        if (set->slots[i].hash)
            *find_slot(slots, cap, set->slots[i].hash) = set->slots[i];
    glossa__free(set->slots);
    set->slots = slots;
    set->cap = cap;
    return 0;
}

int glossa__id_set_add(glossa__id_set_t *set, const char *id,
                       glossa__id_place_t here, glossa__id_place_t *first)
{
    if ((set->used + 1) * 4 > set->cap * 3 && grow(set))
        return GLOSSA_ENOMEM;
    uint64_t hash = XXH3_64bits(id, strlen(id));
    if (!hash)
        hash = 1;
    slot_t *slot = find_slot(set->slots, set->cap, hash);
    if (slot->hash) {
        *first = slot->first;
        return 1;
    }
    slot->hash = hash;
    slot->first = here;
    set->used++;
    return 0;
}
