# streamform_embed(OUT FILES): writes a C++ source defining
#   const std::vector<sf::EmbeddedFile>& sf::EmbeddedSchemas();
# with the name and bytes of each file, regenerated when any of them changes.
function(streamform_embed out files)
  string(REPLACE ";" "|" joined "${files}")  # a list would split into separate arguments
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DOUT=${out} "-DFILES=${joined}" -P ${PROJECT_SOURCE_DIR}/cmake/embed_run.cmake
    DEPENDS ${files} ${PROJECT_SOURCE_DIR}/cmake/embed_run.cmake
    COMMENT "Embedding schemas"
    VERBATIM)
endfunction()
