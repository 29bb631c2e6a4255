// pkg-config openblas adds -I/usr/include/x86_64-linux-gnu/openblas-pthread/,
// so this is OpenBLAS's own cblas.h (it also declares openblas_set_num_threads).
#include <cblas.h>
// glibc's malloc tuning (mallopt), used once by Tensor's Memory settings.
#include <malloc.h>
