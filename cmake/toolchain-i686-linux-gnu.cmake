# cmake/toolchain-i686-linux-gnu.cmake: cross build for i386 (Debian gcc-i686-linux-gnu)
# guests. Use with -DUZ_GUEST_ONLY=ON; tools/vm/cross.sh drives it.
set(CMAKE_SYSTEM_PROCESSOR i686)
set(UZ_CROSS_TRIPLET i686-linux-gnu)
set(UZ_CROSS_MULTIARCH i386-linux-gnu)
include(${CMAKE_CURRENT_LIST_DIR}/cross-common.cmake)
