/*
 * manifold_plugin.h — the C ABI between the Manifold host and its plugins (ABI 2.0).
 *
 * The umbrella header: include it and you have the whole contract. Each concept lives in a
 * small header of its own under manifold/:
 *
 *   manifold/version.h   the ABI version and the compatibility rule
 *   manifold/types.h     strings, bytes, status codes, log levels
 *   manifold/artifact.h  the artifact view and its reference-counted payload
 *   manifold/host.h      services the host offers an instance
 *   manifold/call.h      one input being processed: emit, complete, cancel, next
 *   manifold/plugin.h    one plugin's descriptor
 *   manifold/factory.h   the list of plugins one library holds
 *   manifold/entry.h     the one exported symbol, `manifold_library_entry`
 *   manifold/ext/         optional features by string id: "manifold.state", "manifold.source"
 *                        (plugin extensions), "manifold.cancel-next" (a host extension)
 *
 * Evolution: every struct starts with `struct_size` (the entry with `abi_version` first);
 * fields are only ever appended and a reader never touches bytes beyond the writer's
 * `struct_size`. New capabilities arrive as extensions, so they need no version change.
 * docs/abi.md states the rules in full.
 */
#ifndef MANIFOLD_PLUGIN_H
#define MANIFOLD_PLUGIN_H

#include "manifold/version.h"
#include "manifold/types.h"
#include "manifold/artifact.h"
#include "manifold/host.h"
#include "manifold/call.h"
#include "manifold/plugin.h"
#include "manifold/factory.h"
#include "manifold/entry.h"
#include "manifold/ext/state.h"
#include "manifold/ext/source.h"
#include "manifold/ext/cancel_next.h"

#endif /* MANIFOLD_PLUGIN_H */
