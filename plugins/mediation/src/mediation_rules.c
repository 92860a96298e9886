/* Loading the English rules (rules/en.json): word lists that set flags,
 * intensifiers, hedges and modals with their factors, fixed expressions,
 * and the "weights" the analysis is tuned with. */
#include <stddef.h>
#include <string.h>

#include "mediation_loader.h"

static int set_flag(med_loader_t *L, const char *word, void *ud)
{
    med_entry_t *e = med_word_get(L, word, "rules");
    if (!e)
        return L->rc;
    e->flags |= *(const med_flags_t *)ud;
    return 0;
}

typedef struct factor_spec {
    med_flags_t flag;
    int is_mult; /* store in mult (else intens) */
    double lo, hi;
} factor_spec_t;

static int each_factor(med_loader_t *L, const char *path, json_t *obj,
                       const char *key, const factor_spec_t *spec)
{
    json_t *map = json_object_get(obj, key);
    if (!map)
        return 0;
    if (!json_is_object(map))
        return med_fail(L, GLOSSA_ECONFIG, "%s: \"%s\" must be an object", path,
                        key);
    const char *word;
    json_t *v;
    json_object_foreach(map, word, v)
    {
        if (!json_is_number(v) || json_number_value(v) < spec->lo ||
            json_number_value(v) > spec->hi)
            return med_fail(L, GLOSSA_ECONFIG,
                            "%s: \"%s\".\"%s\" must be a number in [%g, %g]",
                            path, key, word, spec->lo, spec->hi);
        med_entry_t *e = med_word_get(L, word, path);
        if (!e)
            return L->rc;
        e->flags |= spec->flag;
        if (spec->is_mult)
            e->mult = (float)json_number_value(v);
        else
            e->intens = (float)json_number_value(v);
    }
    return 0;
}

/* The rules file's "weights": every key, its field and its range. */
typedef struct weight_spec {
    const char *key;
    size_t offset;
    int is_int;
    double lo, hi;
} weight_spec_t;

#define WEIGHT(field, lo, hi)                                                  \
    {                                                                          \
#field, offsetof(med_weights_t, field), 0, lo, hi                      \
    }
#define WEIGHT_INT(field, lo, hi)                                              \
    {                                                                          \
#field, offsetof(med_weights_t, field), 1, lo, hi                      \
    }

static const weight_spec_t WEIGHTS[] = {
    WEIGHT(general_scale, 0, 4),
    WEIGHT(negation_general, -2, 2),
    WEIGHT(negation_domain, -2, 2),
    WEIGHT_INT(negation_window, 0, 16),
    WEIGHT_INT(intensifier_window, 0, 16),
    WEIGHT(typical_valence, 0.1, 4),
    WEIGHT_INT(shifter_window, 0, 16),
    WEIGHT(shifter_factor, 0, 2),
    WEIGHT(irrealis, 0, 2),
    WEIGHT(contrast_weak, 0, 4),
    WEIGHT(contrast_strong, 0, 4),
    WEIGHT(off_target_clause, 0, 2),
    WEIGHT_INT(scare_quote_max_words, 0, 16),
    WEIGHT(scare_quote_positive, -2, 2),
    WEIGHT(scare_quote_negative, -2, 2),
    WEIGHT(scare_quote_role, -1, 1),
    WEIGHT(combine_rest, 0, 2),
    WEIGHT(target_defense, -2, 2),
    WEIGHT(rebuttal, 0, 2),
    WEIGHT(exclusive_praise, 0, 1),
    WEIGHT_INT(embedding_window, 0, 64),
    WEIGHT_INT(embedding_skip_frequent, 0, 1000),
};

void med_weights_default(med_weights_t *w)
{
    memset(w, 0, sizeof(*w));
    w->general_scale = 0.5;
    w->negation_general = -0.74;
    w->negation_domain = -1.0;
    w->negation_window = 5;
    w->intensifier_window = 3;
    w->typical_valence = 2.0;
    w->shifter_window = 3;
    w->shifter_factor = 1.0;
    w->irrealis = 0.3;
    w->contrast_weak = 0.5;
    w->contrast_strong = 1.5;
    w->off_target_clause = 0.5;
    w->scare_quote_max_words = 3;
    w->scare_quote_positive = -0.5;
    w->scare_quote_negative = 0.5;
    w->scare_quote_role = -0.3;
    w->combine_rest = 0.1;
    w->target_defense = 1.0;
    w->rebuttal = 0.6;
    w->exclusive_praise = 0.5;
    w->embedding_window = 6;
    w->embedding_skip_frequent = 40;
}

static int load_levels(med_loader_t *L, const char *path, json_t *levels)
{
    med_weights_t *w = &L->m->w;
    size_t n = json_array_size(levels);
    if (!json_is_array(levels) || n > MED_MAX_LEVELS)
        return med_fail(L, GLOSSA_ECONFIG,
                        "%s: \"weights\".\"score_levels\" must be an array of "
                        "at most %d numbers",
                        path, MED_MAX_LEVELS);
    for (size_t i = 0; i < n; i++) {
        json_t *x = json_array_get(levels, i);
        if (!json_is_number(x) || json_number_value(x) <= 0 ||
            json_number_value(x) > 1)
            return med_fail(L, GLOSSA_ECONFIG,
                            "%s: \"weights\".\"score_levels\"[%zu] must be a "
                            "number in (0, 1]",
                            path, i);
        w->levels[i] = json_number_value(x);
    }
    w->n_levels = (int)n;
    return 0;
}

/* Keys absent from "weights" keep their defaults. */
static int load_weights(med_loader_t *L, const char *path, json_t *root)
{
    json_t *wj = json_object_get(root, "weights");
    if (!wj)
        return 0;
    if (!json_is_object(wj))
        return med_fail(L, GLOSSA_ECONFIG, "%s: \"weights\" must be an object",
                        path);
    const char *key;
    json_t *v;
    json_object_foreach(wj, key, v)
    {
        if (strcmp(key, "score_levels") == 0) {
            if (load_levels(L, path, v))
                return L->rc;
            continue;
        }
        const weight_spec_t *spec = NULL;
        for (size_t i = 0; i < sizeof WEIGHTS / sizeof WEIGHTS[0]; i++)
            if (strcmp(WEIGHTS[i].key, key) == 0)
                spec = &WEIGHTS[i];
        if (!spec)
            return med_fail(L, GLOSSA_ECONFIG, "%s: unknown weight \"%s\"",
                            path, key);
        double x = json_number_value(v);
        if (!json_is_number(v) || x < spec->lo || x > spec->hi ||
            (spec->is_int && !json_is_integer(v)))
            return med_fail(L, GLOSSA_ECONFIG,
                            "%s: \"weights\".\"%s\" must be %s in [%g, %g]",
                            path, key, spec->is_int ? "an integer" : "a number",
                            spec->lo, spec->hi);
        char *field = (char *)&L->m->w + spec->offset;
        if (spec->is_int)
            *(int *)(void *)field = (int)x;
        else
            *(double *)(void *)field = x;
    }
    return 0;
}

int med_load_rules(med_loader_t *L, const char *path)
{
    json_t *root = med_load_json(L, path);
    if (!root)
        return L->rc;
    static const struct {
        const char *key;
        med_flags_t flag;
    } lists[] = {
        {"negators", W_NEGATOR},
        {"irrealis", W_IRREALIS},
        {"contrast_after", W_CONTRAST_AFTER | W_CLAUSE},
        {"contrast_before", W_CONTRAST_BEFORE | W_CLAUSE},
        {"clause_words", W_CLAUSE},
        {"shifters", W_SHIFTER},
        {"say_verbs", W_SAY},
        {"stance_verbs", W_STANCE},
        {"denial_verbs", W_STANCE | W_DENIAL},
        {"reciprocal_verbs", W_RECIPROCAL},
        {"according", W_ACCORDING},
        {"pronouns_person", W_PRON_PERSON},
        {"pronouns_we", W_PRON_WE},
        {"pronouns_they", W_PRON_THEY},
        {"subject_skip", W_SUBJ_SKIP},
        {"subject_heads", W_SUBJ_HEAD},
        {"titles", W_TITLE},
        {"generic_titles", W_TITLE | W_GENERIC_TITLE},
        {"determiners", W_DET},
        {"possessives", W_POSSESSIVE},
        {"definite_determiners", W_DEFINITE},
        {"object_verbs", W_OBJECT_VERB},
        {"prepositions", W_PREP},
        {"unnamed_heads", W_UNNAMED},
        {"statement_heads", W_STATEMENT},
        {"contrast_before_initial", W_CONCEDE_INITIAL},
        {"relay_verbs", W_RELAY},
        {"relatives", W_RELATIVE},
        {"passive_auxiliaries", W_PASSIVE_AUX},
        {"agent_markers", W_AGENT},
        {"conjunctions", W_CONJ},
        {"neutral_words", W_NEUTRAL},
        {"catenative_verbs", W_CATENATIVE},
        {"quoting_verbs", W_QUOTING},
        {"rebutted_nouns", W_REBUTTED},
        {"exception_words", W_EXCEPTION},
    };
    static const char *const other_keys[] = {
        "description",       "intensifiers", "hedges", "modals",
        "fixed_expressions", "weights",      NULL};
    const char *key;
    json_t *v;
    json_object_foreach(root, key, v)
    {
        int known = 0;
        for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++)
            known |= strcmp(lists[i].key, key) == 0;
        for (size_t i = 0; other_keys[i]; i++)
            known |= strcmp(other_keys[i], key) == 0;
        if (!known) {
            /* The message quotes the key, which root owns. */
            med_fail(L, GLOSSA_ECONFIG, "%s: unknown key \"%s\"", path, key);
            json_decref(root);
            return L->rc;
        }
    }
    int rc = 0;
    for (size_t i = 0; !rc && i < sizeof lists / sizeof lists[0]; i++) {
        med_flags_t flag = lists[i].flag;
        rc = med_each_string(L, path, root, lists[i].key, set_flag, &flag);
    }
    static const factor_spec_t intens = {W_INTENS, 0, -1.0, 1.0};
    static const factor_spec_t hedges = {W_HEDGE, 1, 0.0, 1.0};
    static const factor_spec_t modals = {W_MODAL, 1, 0.0, 1.0};
    if (!rc)
        rc = each_factor(L, path, root, "intensifiers", &intens);
    if (!rc)
        rc = each_factor(L, path, root, "hedges", &hedges);
    if (!rc)
        rc = each_factor(L, path, root, "modals", &modals);
    if (!rc) {
        med_pat_ctx_t pc = {path, PAT_FIXED};
        rc = med_each_string(L, path, root, "fixed_expressions",
                             med_add_simple_pattern, &pc);
    }
    if (!rc)
        rc = load_weights(L, path, root);
    json_decref(root);
    return rc;
}
