/* Loading the general sentiment lexicon (lexicon/vader.tsv). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mediation_loader.h"

/* One "word<TAB>valence" per line; '#' starts a comment line. A later
 * line for the same word replaces the earlier valence. */
int med_load_lexicon(med_loader_t *L, const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return med_fail(L, errno == ENOENT ? GLOSSA_ENOENT : GLOSSA_EIO,
                        "%s: cannot open: %s", path, strerror(errno));
    char line[512];
    int lineno = 0;
    int rc = 0;
    while (!rc && fgets(line, sizeof line, f)) {
        lineno++;
        size_t n = strlen(line);
        if (n == sizeof line - 1 && line[n - 1] != '\n') {
            rc = med_fail(L, GLOSSA_EPARSE, "%s:%d: line too long", path,
                          lineno);
            break;
        }
        while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        if (n == 0 || line[0] == '#')
            continue;
        char *tab = strchr(line, '\t');
        if (!tab || tab == line) {
            rc = med_fail(L, GLOSSA_EPARSE, "%s:%d: expected word<TAB>valence",
                          path, lineno);
            break;
        }
        *tab = '\0';
        char *end;
        errno = 0;
        double val = strtod(tab + 1, &end);
        if (end == tab + 1 || (*end && *end != '\t') || errno || val < -4.0 ||
            val > 4.0) {
            rc = med_fail(L, GLOSSA_EPARSE,
                          "%s:%d: valence must be a number in [-4, 4]", path,
                          lineno);
            break;
        }
        med_entry_t *e = med_word_get(L, line, path);
        if (!e) {
            rc = L->rc;
            break;
        }
        e->valence = (float)val;
    }
    if (!rc && ferror(f))
        rc = med_fail(L, GLOSSA_EIO, "%s: read error", path);
    fclose(f);
    return rc;
}
