# cmake/toolchain-s390x-linux-gnu.cmake: cross build for s390x (Debian gcc-s390x-linux-gnu)
# guests. Use with -DUZ_GUEST_ONLY=ON; tools/vm/cross.sh drives it.
set(CMAKE_SYSTEM_PROCESSOR s390x)
set(UZ_CROSS_TRIPLET s390x-linux-gnu)
set(UZ_CROSS_MULTIARCH s390x-linux-gnu)
include(${CMAKE_CURRENT_LIST_DIR}/cross-common.cmake)
