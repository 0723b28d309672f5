/* The descriptors of the plugins this library holds, listed by its factory (library.c). */
#ifndef MANIFOLD_C_EXAMPLES_PLUGINS_H
#define MANIFOLD_C_EXAMPLES_PLUGINS_H

#include "manifold_plugin.h"

extern const manifold_plugin forward_plugin;
extern const manifold_plugin ticker_plugin;

#endif
