#!/bin/bash
# Checks exported symbols (STYLE.md, "Exported symbols are checked"):
#   check_exports.sh library LIBGLOSSA.so EXPECTED.txt
#       the library exports exactly the GLOSSA_API functions listed;
#   check_exports.sh plugins DIR
#       every plugin in DIR exports glossa_plugin_entry and nothing else.
set -u
mode=$1
exports() { nm -D --defined-only "$1" | awk '{print $3}' | sort; }
case "$mode" in
library)
    if ! diff -u "$3" <(exports "$2"); then
        echo "FAIL: the exports of $2 differ from $3 (lines with + are new);" >&2
        echo "update the list only for an intended API change" >&2
        exit 1
    fi
    ;;
plugins)
    found=0
    for so in "$2"/*.so; do
        [ -e "$so" ] || continue
        found=1
        got=$(exports "$so" | tr '\n' ' ')
        if [ "$got" != "glossa_plugin_entry " ]; then
            echo "FAIL: $so exports: $got(expected only glossa_plugin_entry)" >&2
            exit 1
        fi
    done
    [ $found = 1 ] || { echo "FAIL: no plugins in $2" >&2; exit 1; }
    ;;
esac
echo ok
