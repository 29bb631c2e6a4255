// cmark-gfm: the CommonMark reference parser with GitHub's table extension.
#include <cmark-gfm.h>
#include <cmark-gfm-extension_api.h>
#include <cmark-gfm-core-extensions.h>
