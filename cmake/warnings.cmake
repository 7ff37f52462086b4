# Compiler flags shared by every target of ours: `streamform_target_defaults(target)`.
function(streamform_target_defaults target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow
                         -Wnon-virtual-dtor -Wconversion -Wno-sign-conversion)
  if(STREAMFORM_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
  if(STREAMFORM_SANITIZE)
    target_compile_options(${target} PRIVATE -fsanitize=address,undefined -fno-omit-frame-pointer
                           -fno-sanitize-recover=undefined)
    target_link_options(${target} PRIVATE -fsanitize=address,undefined)
    # GCC 12 under ASan/UBSan reports maybe-uninitialized inside library templates it does not
    # flag otherwise (std::function in <regex>, boost::optional in Beast's parser): known false
    # positives of the sanitizer instrumentation. The plain build keeps the warning.
    if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
      target_compile_options(${target} PRIVATE -Wno-maybe-uninitialized)
    endif()
  endif()
endfunction()
