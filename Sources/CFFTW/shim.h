// FFTW 3, double precision (Debian libfftw3-dev): the FFTs of the t-SNE interpolation grid.
#include <fftw3.h>
