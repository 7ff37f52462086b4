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
  endif()
endfunction()
