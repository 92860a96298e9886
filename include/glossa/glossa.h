/* Umbrella header: everything public in Glossa. Plugins need only
 * <glossa/plugin.h>; programs that embed the runtime include this. */
#ifndef GLOSSA_GLOSSA_H
#define GLOSSA_GLOSSA_H

#include "error.h"
#include "export.h"
#include "plugin.h"
#include "runtime.h"
#include "stream.h"
#include "testing.h"
#include "text.h"
#include "version.h"

#endif /* GLOSSA_GLOSSA_H */
