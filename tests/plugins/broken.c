/* Test plugins that are wrong in one way each, selected at compile time
 * by BROKEN_<KIND>; tests/plugins/CMakeLists.txt builds one .so per kind.
 *   NO_ENTRY          exports no glossa_plugin_entry
 *   ABI_MAJOR         built "against" plugin ABI 2.0
 *   ABI_MINOR         built "against" plugin ABI 1.99 (newer than the host)
 *   OLD_LAYOUT        an older 1.x descriptor without the options field:
 *                     must still load
 *   BAD_NAME          a name that is not a layer name
 *   REJECT_CONFIG     create() refuses its configuration
 *   REQUIRES_MISSING  requires a layer nobody provides
 *   CYCLE_A/CYCLE_B   require each other
 *   DUPLICATE         another plugin named "capitals" */
#include <stddef.h>
#include <string.h>

#include <glossa/plugin.h>

static const glossa_host_t *host;

static void *create(const glossa_create_args_t *args, char *err,
                    size_t err_size)
{
#ifdef BROKEN_REJECT_CONFIG
    (void)args;
    strncpy(err, "threshold must be between 0 and 1", err_size);
    return NULL;
#else
    (void)err;
    (void)err_size;
    host = args->host;
    return (void *)&host;
#endif
}

static int annotate(void *state, glossa_ctx_t *ctx)
{
    (void)state;
    host->span_add(ctx, 0, 0, "EMPTY");
    return 0;
}

static void destroy(void *state)
{
    (void)state;
}

#if defined(BROKEN_ABI_MAJOR)
#define ABI ((2u << 16) | 0u)
#elif defined(BROKEN_ABI_MINOR)
#define ABI ((1u << 16) | 99u)
#else
#define ABI GLOSSA_PLUGIN_ABI_VERSION
#endif

#if defined(BROKEN_BAD_NAME)
#define NAME "Bad Name"
#elif defined(BROKEN_DUPLICATE)
#define NAME "capitals"
#elif defined(BROKEN_CYCLE_A)
#define NAME "cycle_a"
#elif defined(BROKEN_CYCLE_B)
#define NAME "cycle_b"
#elif defined(BROKEN_OLD_LAYOUT)
#define NAME "old_layout"
#else
#define NAME "broken"
#endif

#if defined(BROKEN_REQUIRES_MISSING)
static const char *const requires[] = {"nonexistent", NULL};
#elif defined(BROKEN_CYCLE_A)
static const char *const requires[] = {"cycle_b", NULL};
#elif defined(BROKEN_CYCLE_B)
static const char *const requires[] = {"cycle_a", NULL};
#else
static const char *const *const requires = NULL;
#endif

static const glossa_plugin_t descriptor = {
    .abi_version = ABI,
#ifdef BROKEN_OLD_LAYOUT
    .struct_size = GLOSSA_PLUGIN_MIN_STRUCT_SIZE,
#else
    .struct_size = sizeof(glossa_plugin_t),
#endif
    .name = NAME,
    .version = "0.1",
    .description = "test plugin: broken on purpose",
    .requires = requires,
    .create = create,
    .annotate = annotate,
    .destroy = destroy,
};

#ifndef BROKEN_NO_ENTRY
GLOSSA_PLUGIN_DEFINE(descriptor)
#else
/* Something else is exported, so the file is a valid shared object. */
GLOSSA_PLUGIN_EXPORT const glossa_plugin_t *not_the_entry(void);
const glossa_plugin_t *not_the_entry(void)
{
    return &descriptor;
}
#endif
