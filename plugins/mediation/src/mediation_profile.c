/* Loading a target profile (profiles/<name>.json) and the profiles it
 * includes: the target's names, people and stand-ins, the conflict's
 * parties, role, context and anaphor cues, weighted polarity cues and
 * neutral domain terms. */
#include <stdio.h>
#include <string.h>

#include "mediation_loader.h"

/* Profiles may include others; deeper nesting than this is a mistake
 * (most likely a cycle). */
#define MAX_INCLUDE_DEPTH 8

/* Flags a name: its folded full form with `flag`, and for people also its
 * last word with `person_flag`, since a document's canonical name may be
 * the surname alone. */
typedef struct name_ctx {
    const char *path;
    med_flags_t flag, person_flag;
} name_ctx_t;

static int add_name(med_loader_t *L, const char *name, void *ud)
{
    const name_ctx_t *nc = ud;
    char key[MED_MAX_WORD];
    size_t len = med_fold(name, strlen(name), key);
    if (!len)
        return med_fail(L, GLOSSA_ECONFIG, "%s: bad name \"%.40s\"", nc->path,
                        name);
    med_entry_t *e = med_entry_get(L, key, len);
    if (!e)
        return L->rc;
    e->flags |= nc->flag;
    if (nc->person_flag) {
        size_t s = len;
        while (s > 0 && key[s - 1] != ' ')
            s--;
        e = med_entry_get(L, key + s, len - s);
        if (!e)
            return L->rc;
        e->flags |= nc->person_flag;
    }
    return 0;
}

/* A glob of the target's bodies' canonical names: one '*'. */
static int add_body(med_loader_t *L, const char *glob, void *ud)
{
    const char *path = ud;
    const char *star = strchr(glob, '*');
    if (!star || strchr(star + 1, '*'))
        return med_fail(L, GLOSSA_ECONFIG,
                        "%s: \"bodies\": \"%.40s\" needs exactly one '*'", path,
                        glob);
    if (L->m->n_bodies == MED_MAX_BODIES)
        return med_fail(L, GLOSSA_ECONFIG, "%s: more than %d \"bodies\"", path,
                        MED_MAX_BODIES);
    size_t i = L->m->n_bodies++;
    size_t pre = (size_t)(star - glob), post = strlen(star + 1);
    L->m->bodies[i].pre_len = (uint16_t)pre;
    L->m->bodies[i].post_len = (uint16_t)post;
    if (pre > 255 || post > 255)
        return med_fail(L, GLOSSA_ECONFIG, "%s: \"bodies\": glob too long",
                        path);
    if (med_pool_add(L, glob, pre, &L->m->bodies[i].pre))
        return L->rc;
    return med_pool_add(L, star + 1, post, &L->m->bodies[i].post);
}

static int set_neutral(med_loader_t *L, const char *word, void *ud)
{
    (void)ud;
    med_entry_t *e = med_word_get(L, word, "neutral_terms");
    if (!e)
        return L->rc;
    e->flags |= W_NEUTRAL;
    return 0;
}

/* The number (1-based) of a stance class, registered when new; 0 after
 * med_fail. */
static int class_id(med_loader_t *L, const char *path, const char *name)
{
    mediation_model_t *m = L->m;
    for (size_t i = 0; i < m->n_classes; i++)
        if (strcmp(med_str(m, m->classes[i]), name) == 0)
            return (int)i + 1;
    if (m->n_classes == MED_MAX_CLASSES) {
        med_fail(L, GLOSSA_ECONFIG, "%s: more than %d cue classes", path,
                 MED_MAX_CLASSES);
        return 0;
    }
    char feature[128];
    int n = snprintf(feature, sizeof feature, "class:%s", name);
    if (n < 0 || (size_t)n >= sizeof feature) {
        med_fail(L, GLOSSA_ECONFIG, "%s: cue class \"%.40s\" too long", path,
                 name);
        return 0;
    }
    if (med_pool_add(L, name, strlen(name), &m->classes[m->n_classes]) ||
        med_pool_add(L, feature, (size_t)n, &m->class_features[m->n_classes]))
        return 0;
    return (int)++m->n_classes;
}

/* Weighted cues of kind at root[key]: {"pattern", "weight", "gap",
 * "class"}. */
static int load_weighted_cues(med_loader_t *L, const char *path, json_t *root,
                              const char *key, int kind)
{
    json_t *arr = json_object_get(root, key);
    if (!arr)
        return 0;
    if (!json_is_array(arr))
        return med_fail(L, GLOSSA_ECONFIG, "%s: \"%s\" must be an array", path,
                        key);
    size_t i;
    json_t *cue;
    json_array_foreach(arr, i, cue)
    {
        json_t *pat = json_object_get(cue, "pattern");
        json_t *wt = json_object_get(cue, "weight");
        json_t *gap = json_object_get(cue, "gap");
        if (!json_is_object(cue) || !json_is_string(pat))
            return med_fail(L, GLOSSA_ECONFIG,
                            "%s: \"%s\"[%zu] needs a \"pattern\" string", path,
                            key, i);
        if (!json_is_number(wt) || json_number_value(wt) < -1.0 ||
            json_number_value(wt) > 1.0 || json_number_value(wt) == 0.0)
            return med_fail(L, GLOSSA_ECONFIG,
                            "%s: \"%s\"[%zu] (\"%s\"): \"weight\" "
                            "must be a non-zero number in [-1, 1]",
                            path, key, i, json_string_value(pat));
        if (gap && (!json_is_integer(gap) || json_integer_value(gap) < 0 ||
                    json_integer_value(gap) > 8))
            return med_fail(L, GLOSSA_ECONFIG,
                            "%s: \"%s\"[%zu]: \"gap\" must be an "
                            "integer in [0, 8]",
                            path, key, i);
        json_t *cls = json_object_get(cue, "class");
        if (cls && !json_is_string(cls))
            return med_fail(L, GLOSSA_ECONFIG,
                            "%s: \"%s\"[%zu]: \"class\" must be a string", path,
                            key, i);
        int cid = cls ? class_id(L, path, json_string_value(cls)) : 0;
        size_t first = L->m->n_patterns;
        if (L->rc || med_pattern_add(L, path, json_string_value(pat), kind,
                                     gap ? (int)json_integer_value(gap) : 0,
                                     json_number_value(wt)))
            return L->rc;
        for (size_t k = first; k < L->m->n_patterns; k++)
            L->m->patterns[k].cls = (uint8_t)cid;
    }
    return 0;
}

/* The cues of one kind at root[key]: strings, or objects with a
 * "pattern" and a "gap". */
static int load_cues(med_loader_t *L, const char *path, json_t *root,
                     const char *key, int kind)
{
    json_t *arr = json_object_get(root, key);
    if (!arr)
        return 0;
    if (!json_is_array(arr))
        return med_fail(L, GLOSSA_ECONFIG, "%s: \"%s\" must be an array", path,
                        key);
    size_t i;
    json_t *cue;
    json_array_foreach(arr, i, cue)
    {
        json_t *pat =
            json_is_object(cue) ? json_object_get(cue, "pattern") : cue;
        json_t *gap = json_is_object(cue) ? json_object_get(cue, "gap") : NULL;
        if (!json_is_string(pat) ||
            (gap && (!json_is_integer(gap) || json_integer_value(gap) < 0 ||
                     json_integer_value(gap) > 8)))
            return med_fail(L, GLOSSA_ECONFIG,
                            "%s: \"%s\"[%zu] must be a pattern string or "
                            "{\"pattern\", \"gap\" in [0, 8]}",
                            path, key, i);
        int rc = med_pattern_add(L, path, json_string_value(pat), kind,
                                 gap ? (int)json_integer_value(gap) : 0, 0.0);
        if (rc)
            return rc;
    }
    return 0;
}

static int load_includes(med_loader_t *L, const char *path, json_t *root,
                         int depth)
{
    json_t *inc = json_object_get(root, "include");
    if (!inc)
        return 0;
    if (!json_is_array(inc))
        return med_fail(L, GLOSSA_ECONFIG, "%s: \"include\" must be an array",
                        path);
    const char *slash = strrchr(path, '/');
    size_t dir_len = slash ? (size_t)(slash - path + 1) : 0;
    size_t i;
    json_t *v;
    json_array_foreach(inc, i, v)
    {
        if (!json_is_string(v))
            return med_fail(L, GLOSSA_ECONFIG,
                            "%s: \"include\"[%zu] must be a string", path, i);
        const char *rel = json_string_value(v);
        char sub[4096];
        int n = rel[0] == '/' ? snprintf(sub, sizeof sub, "%s", rel)
                              : snprintf(sub, sizeof sub, "%.*s%s",
                                         (int)dir_len, path, rel);
        if (n < 0 || (size_t)n >= sizeof sub)
            return med_fail(L, GLOSSA_ECONFIG, "%s: include path too long",
                            path);
        int rc = med_load_profile(L, sub, depth + 1);
        if (rc)
            return rc;
    }
    return 0;
}

static int load_target(med_loader_t *L, const char *path, json_t *target)
{
    if (!json_is_object(target))
        return med_fail(L, GLOSSA_ECONFIG, "%s: \"target\" must be an object",
                        path);
    if (L->m->target_name)
        return med_fail(L, GLOSSA_ECONFIG,
                        "%s: a second \"target\"; a profile and its includes "
                        "name exactly one",
                        path);
    json_t *name = json_object_get(target, "name");
    if (!json_is_string(name) || !json_string_length(name))
        return med_fail(L, GLOSSA_ECONFIG,
                        "%s: \"target\".\"name\" must be a non-empty string",
                        path);
    static const char *const known[] = {"name",    "entities", "persons",
                                        "surface", "bodies",   NULL};
    const char *key;
    json_t *v;
    json_object_foreach(target, key, v)
    {
        size_t k = 0;
        while (known[k] && strcmp(known[k], key) != 0)
            k++;
        if (!known[k])
            return med_fail(L, GLOSSA_ECONFIG,
                            "%s: unknown key \"target\".\"%s\"", path, key);
    }
    if (med_pool_add(L, json_string_value(name), json_string_length(name),
                     &L->m->target_name))
        return L->rc;
    name_ctx_t ent = {path, N_TARGET, 0};
    name_ctx_t per = {path, N_TARGET, N_TARGET_PERSON};
    med_pat_ctx_t surf = {path, PAT_TARGET};
    const char *tn = json_string_value(name);
    if (add_name(L, tn, &ent) ||
        med_each_string(L, path, target, "entities", add_name, &ent) ||
        med_each_string(L, path, target, "persons", add_name, &per) ||
        med_each_string(L, path, target, "surface", med_add_simple_pattern,
                        &surf) ||
        med_each_string(L, path, target, "bodies", add_body, (void *)path))
        return L->rc;
    return 0;
}

static int load_context(med_loader_t *L, const char *path, json_t *ctx)
{
    if (!json_is_object(ctx))
        return med_fail(L, GLOSSA_ECONFIG, "%s: \"context\" must be an object",
                        path);
    const char *key;
    json_t *v;
    json_object_foreach(ctx, key, v)
    {
        if (strcmp(key, "entities") != 0 && strcmp(key, "window") != 0 &&
            strcmp(key, "sides") != 0 && strcmp(key, "disputed") != 0)
            return med_fail(L, GLOSSA_ECONFIG,
                            "%s: unknown key \"context\".\"%s\"", path, key);
    }
    json_t *win = json_object_get(ctx, "window");
    if (win) {
        if (!json_is_integer(win) || json_integer_value(win) < 0 ||
            json_integer_value(win) > 1000)
            return med_fail(L, GLOSSA_ECONFIG,
                            "%s: \"context\".\"window\" must be an integer in "
                            "[0, 1000]",
                            path);
        L->m->context_window = (int)json_integer_value(win);
    }
    name_ctx_t nc = {path, N_PARTY, N_PARTY_PERSON};
    if (med_each_string(L, path, ctx, "entities", add_name, &nc))
        return L->rc;
    /* "sides": two lists of the names of each side; "disputed": the
     * disputed land. Either names the conflict where it is spoken of. */
    json_t *sides = json_object_get(ctx, "sides");
    if (sides) {
        if (!json_is_array(sides) || json_array_size(sides) != 2)
            return med_fail(L, GLOSSA_ECONFIG,
                            "%s: \"context\".\"sides\" must be an array of "
                            "two arrays of names",
                            path);
        for (size_t i = 0; i < 2; i++) {
            json_t *holder =
                json_pack("{s:O}", "names", json_array_get(sides, i));
            if (!holder)
                return med_fail(L, GLOSSA_ENOMEM, "%s: out of memory", path);
            med_flags_t f = i == 0 ? N_SIDE_A : N_SIDE_B;
            name_ctx_t sc = {path, f, f};
            int rc = med_each_string(L, path, holder, "names", add_name, &sc);
            json_decref(holder);
            if (rc)
                return L->rc;
        }
        L->m->conflict_gate = 1;
    }
    name_ctx_t dc = {path, N_DISPUTED, 0};
    if (json_object_get(ctx, "disputed")) {
        if (med_each_string(L, path, ctx, "disputed", add_name, &dc))
            return L->rc;
        L->m->conflict_gate = 1;
    }
    return 0;
}

/* "classes_of_others": stance classes that say nothing of the target's
 * role when the target itself holds them. */
static int add_class_of_others(med_loader_t *L, const char *name, void *ud)
{
    int cid = class_id(L, ud, name);
    if (!cid)
        return L->rc;
    L->m->classes_of_others |= 1u << (cid - 1);
    return 0;
}

int med_load_profile(med_loader_t *L, const char *path, int depth)
{
    if (depth > MAX_INCLUDE_DEPTH)
        return med_fail(L, GLOSSA_ECONFIG,
                        "%s: includes nested deeper than %d (a cycle?)", path,
                        MAX_INCLUDE_DEPTH);
    json_t *root = med_load_json(L, path);
    if (!root)
        return L->rc;
    static const char *const known[] = {
        "description",        "include",           "target",    "context",
        "role_cues",          "context_cues",      "anaphors",  "forces",
        "polarity_cues",      "neutral_terms",     "bilateral", "negated_cues",
        "conflict_cues",      "classes_of_others", "alliance",  "standing_cues",
        "others_initiatives", "elsewhere",         NULL};
    const char *key;
    json_t *v;
    int rc = 0;
    json_object_foreach(root, key, v)
    {
        size_t k = 0;
        while (known[k] && strcmp(known[k], key) != 0)
            k++;
        if (!known[k]) {
            rc = med_fail(L, GLOSSA_ECONFIG, "%s: unknown key \"%s\"", path,
                          key);
            break;
        }
    }
    if (!rc)
        rc = load_includes(L, path, root, depth);
    if (!rc && json_object_get(root, "target"))
        rc = load_target(L, path, json_object_get(root, "target"));
    if (!rc && json_object_get(root, "context"))
        rc = load_context(L, path, json_object_get(root, "context"));
    static const struct {
        const char *key;
        int kind;
    } kinds[] = {{"role_cues", PAT_ROLE},
                 {"context_cues", PAT_CONTEXT},
                 {"anaphors", PAT_ANAPHOR},
                 {"forces", PAT_FORCE},
                 {"bilateral", PAT_BILATERAL},
                 {"conflict_cues", PAT_CONFLICT},
                 {"alliance", PAT_ALLIANCE},
                 {"standing_cues", PAT_STANDING},
                 {"others_initiatives", PAT_OTHERS},
                 {"elsewhere", PAT_ELSEWHERE}};
    for (size_t i = 0; !rc && i < sizeof kinds / sizeof kinds[0]; i++)
        rc = load_cues(L, path, root, kinds[i].key, kinds[i].kind);
    if (!rc && json_object_get(root, "conflict_cues"))
        L->m->conflict_gate = 1;
    if (!rc)
        rc = load_weighted_cues(L, path, root, "polarity_cues", PAT_POLARITY);
    if (!rc)
        rc = load_weighted_cues(L, path, root, "negated_cues", PAT_DUTY);
    if (!rc)
        rc = med_each_string(L, path, root, "neutral_terms", set_neutral, NULL);
    if (!rc)
        rc = med_each_string(L, path, root, "classes_of_others",
                             add_class_of_others, (void *)path);
    json_decref(root);
    return rc;
}
