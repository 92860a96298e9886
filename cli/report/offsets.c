/* Code point positions in the report's texts (repaired as the run did,
 * with glossa/text.h), for offsets to byte positions. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

#define CHECKPOINT 64 /* code points between two marks */

int glossa_report_offsets_init(glossa_report_offsets_t *o, const char *text,
                               size_t len)
{
    memset(o, 0, sizeof(*o));
    o->text = text;
    o->len = len;
    size_t cap = len / CHECKPOINT + 1;
    o->marks = malloc(cap * sizeof(*o->marks));
    if (!o->marks)
        return -1;
    for (size_t i = 0; i < len; i++) {
        if (((unsigned char)text[i] & 0xC0) == 0x80)
            continue;
        if (o->n_cp % CHECKPOINT == 0)
            o->marks[o->n_marks++] = i;
        o->n_cp++;
    }
    return 0;
}

void glossa_report_offsets_free(glossa_report_offsets_t *o)
{
    free(o->marks);
    o->marks = NULL;
}

size_t glossa_report_offsets_byte(const glossa_report_offsets_t *o, size_t cp)
{
    if (cp >= o->n_cp)
        return o->len;
    size_t i = o->marks[cp / CHECKPOINT];
    for (size_t left = cp % CHECKPOINT; left > 0; left--) {
        i++;
        while (i < o->len && ((unsigned char)o->text[i] & 0xC0) == 0x80)
            i++;
    }
    return i;
}
