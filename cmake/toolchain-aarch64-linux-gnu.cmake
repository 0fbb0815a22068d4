# cmake/toolchain-aarch64-linux-gnu.cmake: cross build for arm64 (Debian gcc-aarch64-linux-gnu)
# guests. Use with -DUZ_GUEST_ONLY=ON; tools/vm/cross.sh drives it.
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(UZ_CROSS_TRIPLET aarch64-linux-gnu)
set(UZ_CROSS_MULTIARCH aarch64-linux-gnu)
include(${CMAKE_CURRENT_LIST_DIR}/cross-common.cmake)
