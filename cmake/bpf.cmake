# uz_bpf_object(NAME SRC [ENDIAN bpfel|bpfeb] [INCLUDES dir...] [DEPENDS f...])
# Compiles one .bpf.c into ${CMAKE_CURRENT_BINARY_DIR}/NAME.o with the BPF
# clang and sets UZ_BPF_OBJ_<NAME> to its path. Adds it to target bpf_objects.
if(NOT TARGET bpf_objects)
  add_custom_target(bpf_objects ALL)
endif()

function(uz_bpf_object name src)
  cmake_parse_arguments(A "" "ENDIAN" "INCLUDES;DEPENDS;DEFINES" ${ARGN})
  if(NOT A_ENDIAN)
    set(A_ENDIAN bpfel)
  endif()
  set(out ${CMAKE_CURRENT_BINARY_DIR}/${name}.o)
  set(incs -I${PROJECT_SOURCE_DIR}/uapi -I/usr/include/${CMAKE_LIBRARY_ARCHITECTURE})
  foreach(d ${A_INCLUDES})
    list(APPEND incs -I${d})
  endforeach()
  set(defs)
  foreach(d ${A_DEFINES})
    list(APPEND defs -D${d})
  endforeach()
  get_filename_component(abs ${src} ABSOLUTE)
  add_custom_command(OUTPUT ${out}
    COMMAND ${UZ_BPF_CLANG} -g -O2 -target ${A_ENDIAN} -D__TARGET_ARCH_x86
            -Wall ${UZ_BPF_WERROR} ${incs} ${defs} -c ${abs} -o ${out}
    DEPENDS ${abs} ${A_DEPENDS}
    COMMENT "BPF ${name}.o (${A_ENDIAN})"
    VERBATIM)
  add_custom_target(bpf_${name} DEPENDS ${out})
  add_dependencies(bpf_objects bpf_${name})
  set(UZ_BPF_OBJ_${name} ${out} PARENT_SCOPE)
endfunction()
