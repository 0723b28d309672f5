#include "manifold_plugin.h"
