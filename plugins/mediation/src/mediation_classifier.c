/* The learned component: loading its model file (data/model/polarity.json,
 * written by tools/train_polarity.py) and scoring a sentence's features.
 * The file names its features; each must be one the analysis computes
 * (mediation_features.c) for the loaded profile, or loading fails. */
#include <math.h>
#include <string.h>

#include "mediation_loader.h"

static const char *const CLASSES[3] = {"negative", "neutral", "positive"};

/* Reads a numeric array of n into out. */
static int read_vector(med_loader_t *L, const char *path, const json_t *arr,
                       const char *what, size_t n, double *out)
{
    if (!json_is_array(arr) || json_array_size(arr) != n)
        return med_fail(L, GLOSSA_ECONFIG,
                        "%s: \"%s\" must be an array of %zu numbers", path,
                        what, n);
    for (size_t i = 0; i < n; i++) {
        const json_t *v = json_array_get(arr, i);
        if (!json_is_number(v) || !isfinite(json_number_value(v)))
            return med_fail(L, GLOSSA_ECONFIG,
                            "%s: \"%s\"[%zu] must be a number", path, what, i);
        out[i] = json_number_value(v);
    }
    return 0;
}

static int read_features(med_loader_t *L, const char *path, const json_t *arr,
                         med_classifier_t *c)
{
    if (!json_is_array(arr) || json_array_size(arr) == 0 ||
        json_array_size(arr) > MED_MAX_FEATURES)
        return med_fail(L, GLOSSA_ECONFIG,
                        "%s: \"features\" must be an array of 1 to %d names",
                        path, MED_MAX_FEATURES);
    c->n = json_array_size(arr);
    for (size_t i = 0; i < c->n; i++) {
        const char *name = json_string_value(json_array_get(arr, i));
        int k = name ? med_feature_index(L->m, name) : -1;
        if (k < 0)
            return med_fail(L, GLOSSA_ECONFIG,
                            "%s: \"features\"[%zu]: unknown feature \"%s\" "
                            "(not computed for this profile)",
                            path, i, name ? name : "");
        c->feature[i] = k;
    }
    return 0;
}

int med_load_classifier(med_loader_t *L, const char *path)
{
    json_t *root = med_load_json(L, path);
    if (!root)
        return L->rc;
    med_classifier_t *c = &L->m->clf;
    const json_t *w = json_object_get(root, "weights");
    const json_t *b = json_object_get(root, "bias");
    int rc = read_features(L, path, json_object_get(root, "features"), c);
    if (!rc)
        rc = read_vector(L, path, json_object_get(root, "mean"), "mean", c->n,
                         c->mean);
    if (!rc)
        rc = read_vector(L, path, json_object_get(root, "scale"), "scale", c->n,
                         c->scale);
    for (int k = 0; !rc && k < 3; k++) {
        rc = read_vector(L, path, json_object_get(w, CLASSES[k]), CLASSES[k],
                         c->n, c->w[k]);
        const json_t *bk = json_object_get(b, CLASSES[k]);
        if (!rc && !json_is_number(bk))
            rc = med_fail(L, GLOSSA_ECONFIG,
                          "%s: \"bias\".\"%s\" must be a number", path,
                          CLASSES[k]);
        if (!rc)
            c->bias[k] = json_number_value(bk);
    }
    const json_t *ov = json_object_get(root, "override");
    c->neutral_only = 0;
    if (!rc && ov) {
        const char *o = json_string_value(ov);
        if (o && !strcmp(o, "neutral"))
            c->neutral_only = 1;
        else if (!o || strcmp(o, "all"))
            rc = med_fail(L, GLOSSA_ECONFIG,
                          "%s: \"override\" must be \"all\" or \"neutral\"",
                          path);
    }
    /* Standardisation folded into the weights: w (x - mean) scale =
     * (w scale) x - w scale mean. */
    for (int k = 0; !rc && k < 3; k++)
        for (size_t i = 0; i < c->n; i++) {
            c->w[k][i] *= c->scale[i];
            c->bias[k] -= c->w[k][i] * c->mean[i];
        }
    c->finite = 1;
    for (int k = 0; k < 3; k++)
        for (size_t i = 0; i < c->n; i++)
            c->finite &= isfinite(c->w[k][i]) != 0;
    c->loaded = !rc;
    json_decref(root);
    return rc;
}

int med_classify(const mediation_model_t *m, const double *x, double *prob)
{
    const med_classifier_t *c = &m->clf;
    /* The three classes' sums in one pass over the features, each in the
     * features' order (so each sum is the same double). A feature of 0
     * adds w * 0 = +-0 to a finite w: it changes a sum at most from -0
     * to +0 or back, which neither the comparison nor exp() below sees,
     * and most features are 0 (stance classes, holders, flags). */
    double z[3] = {c->bias[0], c->bias[1], c->bias[2]};
    int best = 1; /* ties go to neutral */
    for (size_t i = 0; i < c->n; i++) {
        double xi = x[c->feature[i]];
        if (xi == 0 && c->finite)
            continue;
        z[0] += c->w[0][i] * xi;
        z[1] += c->w[1][i] * xi;
        z[2] += c->w[2][i] * xi;
    }
    for (int k = 0; k < 3; k++)
        if (z[k] > z[best])
            best = k;
    if (prob) {
        double sum = 0;
        for (int k = 0; k < 3; k++)
            sum += prob[k] = exp(z[k] - z[best]);
        for (int k = 0; k < 3; k++)
            prob[k] /= sum;
    }
    return best;
}
