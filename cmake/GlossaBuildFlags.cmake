# Warnings and sanitizers for the project's own targets.
# glossa_target_flags(<target>) applies them to one target.

set(GLOSSA_WARNINGS
  -Wall -Wextra -Wshadow -Wconversion -Wstrict-prototypes
  -Wmissing-prototypes -Wvla -Wformat=2 -Wno-sign-conversion)
# -Wsign-conversion is left out: with -Wconversion it flags every size_t/int
# mix in loop bounds; -Wconversion still catches narrowing.

set(GLOSSA_SANITIZER_FLAGS "")
set(GLOSSA_SANITIZER_KIND "")
if(GLOSSA_FUZZ)
  # Everything instrumented for coverage (libFuzzer links into the fuzz
  # targets only), with ASan and UBSan to turn bugs into crashes.
  if(NOT CMAKE_C_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "GLOSSA_FUZZ needs clang: CC=clang cmake ...")
  endif()
  set(GLOSSA_SANITIZER_KIND asan)
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined
                      -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
elseif(GLOSSA_SANITIZE)
  set(GLOSSA_SANITIZER_KIND asan)
  set(GLOSSA_SANITIZER_FLAGS -fsanitize=address,undefined
      -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
elseif(GLOSSA_TSAN)
  set(GLOSSA_SANITIZER_KIND tsan)
  set(GLOSSA_SANITIZER_FLAGS -fsanitize=thread -fno-omit-frame-pointer)
endif()
if(GLOSSA_SANITIZER_FLAGS)
  # Every binary, test and plugin of the build gets the same runtime.
  add_compile_options(${GLOSSA_SANITIZER_FLAGS})
  add_link_options(${GLOSSA_SANITIZER_FLAGS})
endif()

function(glossa_target_flags target)
  target_compile_options(${target} PRIVATE ${GLOSSA_WARNINGS})
  # Strict C11 hides POSIX declarations that libuv's headers and the core
  # (scandir, getline, clock_gettime) need.
  target_compile_definitions(${target} PRIVATE _GNU_SOURCE)
  if(GLOSSA_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
  set_target_properties(${target} PROPERTIES
    C_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
endfunction()
