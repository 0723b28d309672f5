/* The uppercase plugin has no API of its own: it is loaded through manifold_plugin.h. */
#pragma once
