# cmake/cross-common.cmake: the part every cmake/toolchain-*.cmake shares.
# Expects UZ_CROSS_TRIPLET (compiler prefix) and UZ_CROSS_MULTIARCH (Debian
# multiarch directory, e.g. i386-linux-gnu). The target's libraries come
# from one of two places:
#   - the Debian multiarch packages (libbpf-dev:ARCH, ...) installed beside
#     the host's ones (tools/dev.sh does this for arm64 and i386);
#   - a sysroot of extracted -dev packages, given as UZ_CROSS_SYSROOT
#     (environment or -D), for an architecture whose packages cannot be
#     co-installed (tools/vm/cross.sh makes one for s390x).
# pkg-config is pointed at the target's .pc files only, so no host library
# can leak into a cross build.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_C_COMPILER ${UZ_CROSS_TRIPLET}-gcc)
set(CMAKE_LIBRARY_ARCHITECTURE ${UZ_CROSS_MULTIARCH})

if(NOT UZ_CROSS_SYSROOT AND DEFINED ENV{UZ_CROSS_SYSROOT})
  set(UZ_CROSS_SYSROOT $ENV{UZ_CROSS_SYSROOT})
endif()
# try_compile() projects re-read this file: hand the setting on through the
# environment, which they inherit.
set(ENV{UZ_CROSS_SYSROOT} "${UZ_CROSS_SYSROOT}")

if(UZ_CROSS_SYSROOT)
  if(NOT EXISTS ${UZ_CROSS_SYSROOT}/usr/lib/${UZ_CROSS_MULTIARCH})
    message(FATAL_ERROR "UZ_CROSS_SYSROOT=${UZ_CROSS_SYSROOT} has no usr/lib/${UZ_CROSS_MULTIARCH} "
      "(make it with tools/vm/cross.sh sysroot ARCH)")
  endif()
  set(ENV{PKG_CONFIG_SYSROOT_DIR} ${UZ_CROSS_SYSROOT})
  set(ENV{PKG_CONFIG_LIBDIR}
    "${UZ_CROSS_SYSROOT}/usr/lib/${UZ_CROSS_MULTIARCH}/pkgconfig:${UZ_CROSS_SYSROOT}/usr/share/pkgconfig")
  set(CMAKE_C_FLAGS_INIT
    "-isystem ${UZ_CROSS_SYSROOT}/usr/include/${UZ_CROSS_MULTIARCH} -isystem ${UZ_CROSS_SYSROOT}/usr/include")
  set(CMAKE_EXE_LINKER_FLAGS_INIT "-L${UZ_CROSS_SYSROOT}/usr/lib/${UZ_CROSS_MULTIARCH}")
else()
  unset(ENV{PKG_CONFIG_SYSROOT_DIR})
  set(ENV{PKG_CONFIG_LIBDIR} "/usr/lib/${UZ_CROSS_MULTIARCH}/pkgconfig:/usr/share/pkgconfig")
endif()
set(ENV{PKG_CONFIG_PATH} "")

set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
