#include <dlfcn.h>

#include "manifold_dlopen.h"

int manifold_plugin_dlopen_flags(void) {
    return RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE;
}
