/* Symbol visibility macros. The library is built with hidden visibility;
 * only declarations marked GLOSSA_API are exported from libglossa, and a
 * plugin exports only its entry symbol (GLOSSA_PLUGIN_EXPORT). */
#ifndef GLOSSA_EXPORT_H
#define GLOSSA_EXPORT_H

#if defined(__GNUC__) || defined(__clang__)
#define GLOSSA_API __attribute__((visibility("default")))
#define GLOSSA_PLUGIN_EXPORT __attribute__((visibility("default")))
#define GLOSSA_PRINTF(fmt_index, first_arg)                                    \
    __attribute__((format(printf, fmt_index, first_arg)))
#else
#define GLOSSA_API
#define GLOSSA_PLUGIN_EXPORT
#define GLOSSA_PRINTF(fmt_index, first_arg)
#endif

#endif /* GLOSSA_EXPORT_H */
