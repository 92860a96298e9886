/* Loading a model: the rules, the lexicon and the profile become one word
 * table (lowercase key -> flags, valence, factors, first pattern) and a
 * pattern list. Everything is built here, once; analysis only reads.
 *
 * This file runs the loader and holds what the others share: errors and
 * reading JSON. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mediation_loader.h"

int med_fail(med_loader_t *L, int code, const char *fmt, ...)
{
    if (L->rc)
        return L->rc;
    L->rc = code;
    if (L->err && L->err_size) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(L->err, L->err_size, fmt, ap);
        va_end(ap);
    }
    return code;
}

void mediation_settings_init(mediation_settings_t *s)
{
    s->threshold = 0.2;
    s->document_band = 0.05;
    s->classifier = NULL;
    s->embeddings = NULL;
}

json_t *med_load_json(med_loader_t *L, const char *path)
{
    json_error_t jerr;
    json_t *root = json_load_file(path, 0, &jerr);
    if (!root) {
        int code = (jerr.line <= 0 && jerr.position == 0) ? GLOSSA_ENOENT
                                                          : GLOSSA_EPARSE;
        if (code == GLOSSA_ENOENT)
            med_fail(L, code, "%s: cannot read: %s", path, jerr.text);
        else {
            /* Jansson quotes the bytes it stopped at ("near 'root:x:'"):
             * a configured path may name any file, so they stay out. */
            char *near = strstr(jerr.text, " near '");
            if (near)
                *near = '\0';
            med_fail(L, code, "%s:%d:%d: not JSON: %s", path, jerr.line,
                     jerr.column, jerr.text);
        }
        return NULL;
    }
    if (!json_is_object(root)) {
        json_decref(root);
        med_fail(L, GLOSSA_ECONFIG, "%s: the top level must be an object",
                 path);
        return NULL;
    }
    return root;
}

/* Calls fn for each string of the array at obj[key] (absent: nothing). */
int med_each_string(med_loader_t *L, const char *path, json_t *obj,
                    const char *key,
                    int (*fn)(med_loader_t *, const char *, void *), void *ud)
{
    json_t *arr = json_object_get(obj, key);
    if (!arr)
        return 0;
    if (!json_is_array(arr))
        return med_fail(L, GLOSSA_ECONFIG, "%s: \"%s\" must be an array", path,
                        key);
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v)
    {
        if (!json_is_string(v))
            return med_fail(L, GLOSSA_ECONFIG,
                            "%s: \"%s\"[%zu] must be a string", path, key, i);
        int rc = fn(L, json_string_value(v), ud);
        if (rc)
            return rc;
    }
    return 0;
}

int mediation_model_load(const char *profile_path, const char *lexicon_path,
                         const char *rules_path,
                         const mediation_settings_t *settings,
                         mediation_model_t **out, char *err, size_t err_size)
{
    *out = NULL;
    if (err && err_size)
        err[0] = '\0';
    mediation_model_t *m = calloc(1, sizeof(*m));
    med_loader_t L = {m, err, err_size, 0};
    if (!m)
        return med_fail(&L, GLOSSA_ENOMEM, "out of memory");
    med_weights_default(&m->w);

    m->context_window = 5;
    if (settings)
        m->settings = *settings;
    else
        mediation_settings_init(&m->settings);
    if (m->settings.threshold < 0 || m->settings.threshold > 1 ||
        m->settings.document_band < 0 || m->settings.document_band > 1)
        med_fail(&L, GLOSSA_ECONFIG,
                 "threshold and document_band must be in [0, 1]");
    /* Offset 0 of the pool means "unset", so the pool starts with "". */
    uint32_t zero;
    if (!L.rc)
        med_pool_add(&L, "", 0, &zero);
    if (!L.rc)
        med_load_rules(&L, rules_path);
    if (!L.rc)
        med_load_lexicon(&L, lexicon_path);
    if (!L.rc)
        med_load_profile(&L, profile_path, 0);
    if (!L.rc && !m->target_name)
        med_fail(&L, GLOSSA_ECONFIG,
                 "%s: no \"target\" in the profile or its includes",
                 profile_path);
    if (!L.rc && m->settings.embeddings && *m->settings.embeddings)
        med_load_embeddings(&L, m->settings.embeddings);
    if (!L.rc && m->settings.classifier && *m->settings.classifier)
        med_load_classifier(&L, m->settings.classifier);
    /* The caller's strings, read only here. */
    m->settings.classifier = NULL;
    m->settings.embeddings = NULL;
    /* The pronouns, for the shortcut past sentences that cannot be
     * relevant (see mediation_internal.h). */
    for (size_t e = 0; !L.rc && e < m->n_entries; e++) {
        if (!(m->entries[e].flags & (W_PRON_PERSON | W_PRON_WE | W_PRON_THEY)))
            continue;
        if (m->n_pronouns == MED_MAX_PRONOUNS)
            m->pronouns_overflow = 1;
        else {
            const med_entry_t *en = &m->entries[e];
            m->pronoun_hash[m->n_pronouns] =
                med_hash(m->pool + en->key, en->len);
            m->pronoun_bits |= UINT64_C(1)
                               << (m->pronoun_hash[m->n_pronouns] & 63);
            m->pronouns[m->n_pronouns++] = (uint32_t)e;
        }
    }
    if (L.rc) {
        mediation_model_free(m);
        return L.rc;
    }
    *out = m;
    return 0;
}

void mediation_model_free(mediation_model_t *m)
{
    if (!m)
        return;
    free(m->pool);
    free(m->entries);
    free(m->slots);
    free(m->elems);
    free(m->patterns);
    med_embeddings_free(&m->emb);
    free(m);
}

const char *mediation_model_target(const mediation_model_t *m)
{
    return med_str(m, m->target_name);
}

mediation_label_t mediation_label_parse(const char *label)
{
    if (!label)
        return MEDIATION_OTHER;
    /* By the first letter, then one comparison: once per entity. */
    switch (label[0]) {
    case 'P':
        return strcmp(label, "PERSON") == 0 ? MEDIATION_PERSON
                                            : MEDIATION_OTHER;
    case 'O':
        return strcmp(label, "ORG") == 0 ? MEDIATION_ORG : MEDIATION_OTHER;
    case 'G':
        return strcmp(label, "GPE") == 0 ? MEDIATION_GPE : MEDIATION_OTHER;
    case 'L':
        return strcmp(label, "LOC") == 0 ? MEDIATION_LOC : MEDIATION_OTHER;
    case 'N':
        return strcmp(label, "NORP") == 0 ? MEDIATION_NORP : MEDIATION_OTHER;
    default:
        return MEDIATION_OTHER;
    }
}

const char *mediation_polarity_name(mediation_polarity_t p)
{
    return p == MEDIATION_POSITIVE   ? "positive"
           : p == MEDIATION_NEGATIVE ? "negative"
                                     : "neutral";
}
