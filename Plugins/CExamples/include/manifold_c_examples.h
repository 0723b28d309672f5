/* The C example plugins have no API of their own: they are loaded through manifold_plugin.h. */
#pragma once
