#pragma once
/* The flags plugin libraries are opened with: a macro combination Swift cannot import. */

/* The flags the host opens plugin libraries with: resolve everything now (so a missing
   dependency fails at load, not mid-run), keep symbols private to the plugin, and never
   unload (Swift runtimes keep pointers into loaded images). */
int manifold_plugin_dlopen_flags(void);
