/* glossa serve in a build without libh2o. */
#include <stdio.h>

#include "commands.h"

int glossa_cli_serve(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "glossa serve: this glossa was built without libh2o; "
                    "install it (Debian: apt-get install libh2o-dev "
                    "libssl-dev) and build again\n");
    return GLOSSA_EXIT_USAGE;
}
