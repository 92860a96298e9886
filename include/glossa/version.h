/* Glossa version numbers.
 *
 * The library version (GLOSSA_VERSION_*) says what release this is. The
 * plugin ABI version lives in plugin.h and changes independently of it. */
#ifndef GLOSSA_VERSION_H
#define GLOSSA_VERSION_H

#define GLOSSA_VERSION_MAJOR 0
#define GLOSSA_VERSION_MINOR 1
#define GLOSSA_VERSION_PATCH 0
#define GLOSSA_VERSION_STRING "0.1.0"

/* (MAJOR << 16) | (MINOR << 8) | PATCH, for numeric comparison. */
#define GLOSSA_VERSION_HEX                                                     \
    ((GLOSSA_VERSION_MAJOR << 16) | (GLOSSA_VERSION_MINOR << 8) |              \
     GLOSSA_VERSION_PATCH)

#endif /* GLOSSA_VERSION_H */
