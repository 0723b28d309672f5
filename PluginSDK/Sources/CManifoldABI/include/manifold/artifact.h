/*
 * manifold/artifact.h — the artifact view: one envelope (id, type, metadata, payload …)
 * laid out in C, and the reference-counted payload that lets bytes cross without a copy.
 *
 * Ownership of the payload
 *   Input (host → plugin, in `process` and a middleware's `on_emit`): `retain` and `release`
 *   are always set. The bytes are valid until the call completes (for `on_emit`: until the
 *   callback returns); to keep them longer, or to forward them, call `retain(owner)` and
 *   later `release(owner)` once, from any thread.
 *   Output (plugin → host, in `emit` and `next`): with `release` set, one reference passes to
 *   the host, which calls `release(owner)` exactly once when it no longer needs the bytes
 *   (maybe before `emit` returns, and also when `emit` refuses the artifact). With `release`
 *   NULL the host copies the bytes before `emit` returns.
 *   Forwarding an input's payload without copying:
 *       manifold_payload bytes = input->payload;
 *       bytes.retain(bytes.owner);
 *       output.payload = bytes;            // the host now owns that reference
 *
 * Everything else in a view (id, type, metadata, strings) is copied by the receiver before
 * the function it was passed to returns.
 */
#ifndef MANIFOLD_ARTIFACT_H
#define MANIFOLD_ARTIFACT_H

#include "types.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Payload bytes and who keeps them alive. */
typedef struct manifold_payload {
    const uint8_t *data;            /* may be NULL when `length` is 0 */
    size_t length;
    void *owner;                    /* passed back to `retain` and `release` */
    void (*retain)(void *owner);    /* adds a reference; NULL in an output the host must copy */
    void (*release)(void *owner);   /* drops a reference; NULL: the bytes are only lent */
} manifold_payload;

/* One metadata pair. */
typedef struct manifold_metadata_entry {
    manifold_str key;
    manifold_str value;
} manifold_metadata_entry;

/*
 * A read-only view of an artifact.
 * From the host: every field is set. To the host: `type` is required; an empty `id` gets a
 * fresh one; an empty `correlation_id` inherits the input's; `origin` is set by the host;
 * a zero `created_at_unix_nanos` means now. A reader never touches bytes beyond the
 * writer's `struct_size`; fields past it read as zero.
 */
typedef struct manifold_artifact {
    uint32_t struct_size;                     /* sizeof(manifold_artifact) of the writer */
    manifold_str id;
    manifold_str type;                        /* media-type-like, e.g. "text/plain" */
    const manifold_metadata_entry *metadata;  /* `metadata_count` pairs, keys unique */
    size_t metadata_count;
    manifold_payload payload;
    manifold_str origin;                      /* producing node; empty for graph inputs */
    manifold_str correlation_id;              /* conversation / request key; may be empty */
    int64_t created_at_unix_nanos;
} manifold_artifact;

#ifdef __cplusplus
}
#endif

#endif /* MANIFOLD_ARTIFACT_H */
