# Fails when an object compiled from reloc/core/ references an I/O symbol.
# Called by ctest with -DNM=... -DOBJECTS=<all library objects>.
set(forbidden
  open openat open64 close read write pread pwrite pread64 pwrite64 lseek mmap munmap
  stat fstat lstat stat64 fstat64 fstatat access unlink rename mkostemp fsync ioctl
  fopen fdopen fclose fread fwrite fgets fputs fputc fprintf printf puts putchar vfprintf
  vprintf getline perror opendir readdir socket uname getenv system popen fork execve)
set(checked 0)
foreach(o ${OBJECTS})
  if(NOT o MATCHES "/core/[^/]+\\.o$")
    continue()
  endif()
  math(EXPR checked "${checked} + 1")
  execute_process(COMMAND ${NM} -u ${o} OUTPUT_VARIABLE syms RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "nm failed on ${o}")
  endif()
  string(REPLACE "\n" ";" lines "${syms}")
  foreach(l ${lines})
    string(REGEX REPLACE "^ *U +" "" s "${l}")
    string(REGEX REPLACE "@.*" "" s "${s}")
    list(FIND forbidden "${s}" hit)
    if(NOT hit EQUAL -1)
      message(FATAL_ERROR "reloc/core must do no I/O, but ${o} calls ${s}")
    endif()
  endforeach()
endforeach()
if(checked LESS 5)
  message(FATAL_ERROR "core_no_io: found only ${checked} reloc/core objects; the check is not looking at the core")
endif()
message(STATUS "core_no_io: ${checked} objects of reloc/core call no I/O function")
