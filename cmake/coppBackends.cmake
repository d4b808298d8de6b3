# copp::libtom, copp::openssl and copp::bearssl: copp::copp plus one crypto backend's
# libraries and its COPP_WITH_* definition, so that a consumer's
#     target_link_libraries(app PRIVATE copp::libtom)
# compiles copp.h's libtom backend and links -ltomcrypt -ltommath.
# Included by CMakeLists.txt (in-tree use) and by the installed
# coppConfig.cmake; a target exists only when its libraries are found
# (find_package(copp COMPONENTS libtom openssl bearssl) fails otherwise).
if(NOT TARGET copp::libtom)
  find_package(PkgConfig QUIET)
  if(PKG_CONFIG_FOUND)
    pkg_check_modules(COPP_LIBTOMCRYPT QUIET IMPORTED_TARGET libtomcrypt)
    pkg_check_modules(COPP_LIBTOMMATH QUIET IMPORTED_TARGET libtommath)
  endif()
  if(COPP_LIBTOMCRYPT_FOUND AND COPP_LIBTOMMATH_FOUND)
    add_library(copp::libtom INTERFACE IMPORTED)
    target_link_libraries(copp::libtom INTERFACE copp::copp PkgConfig::COPP_LIBTOMCRYPT PkgConfig::COPP_LIBTOMMATH)
    target_compile_definitions(copp::libtom INTERFACE COPP_WITH_LIBTOM)
  endif()
endif()
if(TARGET copp::libtom)
  set(copp_libtom_FOUND TRUE)
endif()

if(NOT TARGET copp::openssl)
  find_package(OpenSSL 3.0 QUIET COMPONENTS Crypto)
  if(OpenSSL_FOUND OR OPENSSL_FOUND)
    add_library(copp::openssl INTERFACE IMPORTED)
    target_link_libraries(copp::openssl INTERFACE copp::copp OpenSSL::Crypto)
    target_compile_definitions(copp::openssl INTERFACE COPP_WITH_OPENSSL)
  endif()
endif()
if(TARGET copp::openssl)
  set(copp_openssl_FOUND TRUE)
endif()

# BearSSL ships no pkg-config file: its header and library are looked up.
if(NOT TARGET copp::bearssl)
  find_path(COPP_BEARSSL_INCLUDE_DIR bearssl.h)
  find_library(COPP_BEARSSL_LIBRARY bearssl)
  if(COPP_BEARSSL_INCLUDE_DIR AND COPP_BEARSSL_LIBRARY)
    add_library(copp::bearssl INTERFACE IMPORTED)
    target_include_directories(copp::bearssl INTERFACE ${COPP_BEARSSL_INCLUDE_DIR})
    target_link_libraries(copp::bearssl INTERFACE copp::copp ${COPP_BEARSSL_LIBRARY})
    target_compile_definitions(copp::bearssl INTERFACE COPP_WITH_BEARSSL)
  endif()
endif()
if(TARGET copp::bearssl)
  set(copp_bearssl_FOUND TRUE)
endif()
