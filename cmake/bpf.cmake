# uz_bpf_object(NAME SRC [ENDIAN bpfel|bpfeb] [OUTDIR dir] [INCLUDES dir...] [DEPENDS f...])
# Compiles one .bpf.c into ${CMAKE_CURRENT_BINARY_DIR}/NAME.o (or OUTDIR/NAME.o)
# with the BPF clang and sets UZ_BPF_OBJ_<NAME> to its path (with OUTDIR:
# UZ_BPF_OBJ_<NAME>_<ENDIAN>, target bpf_<NAME>_<ENDIAN>). Adds it to target
# bpf_objects.
#
# The objects are architecture-neutral: no __TARGET_ARCH_* is defined, so a
# program that used the PT_REGS_*() macros of <bpf/bpf_tracing.h> (kprobes)
# would fail to compile instead of silently reading x86 registers. Every
# program here is a tracepoint, raw tracepoint or socket program whose
# arguments come from the tracepoint record or the u64 raw-tracepoint
# argument array, the same on every architecture; kernel layouts come from
# the views and are relocated at load time. One object per byte order is
# all a sample needs: bpfel for x86_64, arm64 and i386, bpfeb for s390x
# (uz_bpf_object_per_endian).
if(NOT TARGET bpf_objects)
  add_custom_target(bpf_objects ALL)
endif()

function(uz_bpf_object name src)
  cmake_parse_arguments(A "" "ENDIAN;OUTDIR" "INCLUDES;DEPENDS;DEFINES" ${ARGN})
  if(NOT A_ENDIAN)
    set(A_ENDIAN bpfel)
  endif()
  if(A_OUTDIR)
    set(out ${A_OUTDIR}/${name}.o)
    set(tgt bpf_${name}_${A_ENDIAN})
    set(var UZ_BPF_OBJ_${name}_${A_ENDIAN})
  else()
    set(out ${CMAKE_CURRENT_BINARY_DIR}/${name}.o)
    set(tgt bpf_${name})
    set(var UZ_BPF_OBJ_${name})
  endif()
  set(incs -I${PROJECT_SOURCE_DIR}/uapi -I/usr/include/${CMAKE_LIBRARY_ARCHITECTURE})
  foreach(d ${A_INCLUDES})
    list(APPEND incs -I${d})
  endforeach()
  set(defs)
  foreach(d ${A_DEFINES})
    list(APPEND defs -D${d})
  endforeach()
  get_filename_component(abs ${src} ABSOLUTE)
  get_filename_component(outdir ${out} DIRECTORY)
  add_custom_command(OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${outdir}
    COMMAND ${UZ_BPF_CLANG} -g -O2 -target ${A_ENDIAN}
            -Wall ${UZ_BPF_WERROR} ${incs} ${defs} -c ${abs} -o ${out}
    DEPENDS ${abs} ${A_DEPENDS}
    COMMENT "BPF ${name}.o (${A_ENDIAN})"
    VERBATIM)
  add_custom_target(${tgt} DEPENDS ${out})
  add_dependencies(bpf_objects ${tgt})
  set(${var} ${out} PARENT_SCOPE)
endfunction()

# uz_bpf_object_per_endian(NAME SRC [INCLUDES...] [DEPENDS...]): NAME.o
# (bpfel, as uz_bpf_object) and bpfeb/NAME.o (big-endian, for s390x guests)
# from the same source; sets UZ_BPF_OBJ_<NAME> and UZ_BPF_OBJ_<NAME>_bpfeb.
function(uz_bpf_object_per_endian name src)
  uz_bpf_object(${name} ${src} ${ARGN})
  uz_bpf_object(${name} ${src} ENDIAN bpfeb OUTDIR ${CMAKE_CURRENT_BINARY_DIR}/bpfeb ${ARGN})
  set(UZ_BPF_OBJ_${name} ${UZ_BPF_OBJ_${name}} PARENT_SCOPE)
  set(UZ_BPF_OBJ_${name}_bpfeb ${UZ_BPF_OBJ_${name}_bpfeb} PARENT_SCOPE)
endfunction()
