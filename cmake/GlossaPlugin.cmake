# glossa_add_plugin(<name>
#                   SOURCES <file>...
#                   [LIBRARIES <target-or-lib>...]
#                   [DATA_DIR <dir>]
#                   [OUTPUT_DIR <dir>] [NO_INSTALL])
#
# Builds a Glossa plugin: a MODULE library <name>.so that exports only
# glossa_plugin_entry, linked against the plugin API headers (and Jansson),
# never against libglossa. DATA_DIR is copied beside the module as
# <name>/, where the runtime tells the plugin to look (create args
# data_dir), and installed to <datadir>/glossa/plugins/<name>/.
#
# Works in the Glossa source tree and, after find_package(Glossa), out of
# tree, where it builds into ${CMAKE_CURRENT_BINARY_DIR} and installs into
# GLOSSA_PLUGIN_INSTALL_DIR (default: the plugin directory of the Glossa
# found). OUTPUT_DIR and NO_INSTALL are for the project's own test plugins.
include_guard(GLOBAL)

function(glossa_add_plugin name)
  cmake_parse_arguments(ARG "NO_INSTALL" "DATA_DIR;OUTPUT_DIR" "SOURCES;LIBRARIES" ${ARGN})
  if(NOT ARG_SOURCES)
    message(FATAL_ERROR "glossa_add_plugin(${name}): SOURCES is required")
  endif()
  add_library(${name} MODULE ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE Glossa::plugin_api ${ARG_LIBRARIES})
  set_target_properties(${name} PROPERTIES
    PREFIX ""
    C_STANDARD 11
    C_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  if(GLOSSA_IN_TREE)
    set(out_dir ${GLOSSA_PLUGIN_OUTPUT_DIR})
    glossa_target_flags(${name})
    if(NOT ARG_NO_INSTALL)
      install(TARGETS ${name} LIBRARY DESTINATION ${GLOSSA_INSTALL_PLUGIN_DIR})
    endif()
    if(ARG_DATA_DIR AND NOT ARG_NO_INSTALL)
      install(DIRECTORY ${ARG_DATA_DIR}/
              DESTINATION ${GLOSSA_INSTALL_DATA_DIR}/plugins/${name})
    endif()
  else()
    set(out_dir ${CMAKE_CURRENT_BINARY_DIR})
    # Out of tree, `cmake --install` puts the plugin (and its data beside
    # it, where the loader looks first) into GLOSSA_PLUGIN_INSTALL_DIR:
    # by default the plugin directory of the Glossa it was built against,
    # so `glossa run --plugin NAME` finds it; -DGLOSSA_PLUGIN_INSTALL_DIR=
    # another directory (then put that directory on GLOSSA_PLUGIN_PATH).
    if(NOT ARG_NO_INSTALL AND GLOSSA_PLUGIN_INSTALL_DIR)
      install(TARGETS ${name} LIBRARY DESTINATION ${GLOSSA_PLUGIN_INSTALL_DIR})
      if(ARG_DATA_DIR)
        install(DIRECTORY ${ARG_DATA_DIR}/
                DESTINATION ${GLOSSA_PLUGIN_INSTALL_DIR}/${name})
      endif()
    endif()
  endif()
  if(ARG_OUTPUT_DIR)
    set(out_dir ${ARG_OUTPUT_DIR})
  endif()
  set_target_properties(${name} PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${out_dir})
  if(ARG_DATA_DIR)
    # Copied whenever a data file changes (not only when the module
    # relinks), so the runtime never reads stale rules or models.
    get_filename_component(data_abs ${ARG_DATA_DIR} ABSOLUTE)
    file(GLOB_RECURSE data_files CONFIGURE_DEPENDS ${data_abs}/*)
    set(stamp ${CMAKE_CURRENT_BINARY_DIR}/${name}.data.stamp)
    add_custom_command(OUTPUT ${stamp}
      COMMAND ${CMAKE_COMMAND} -E copy_directory ${data_abs} ${out_dir}/${name}
      COMMAND ${CMAKE_COMMAND} -E touch ${stamp}
      DEPENDS ${data_files}
      COMMENT "Copying data of plugin ${name}")
    add_custom_target(${name}_data DEPENDS ${stamp})
    add_dependencies(${name} ${name}_data)
  endif()
endfunction()
