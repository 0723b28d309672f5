/// The files of a new C plugin package: a generator that reverses UTF-8 text, in C against
/// `manifold_plugin.h` alone.
struct CPluginTemplate {
    let name: String
    /// The absolute path of the folder holding `manifold_plugin.h`.
    let includeFolder: String

    static let schemaJSON = #"{ "type": "object", "additionalProperties": false }"#

    var files: [GeneratedFile] {
        [
            GeneratedFile(path: "\(name).c", contents: source),
            GeneratedFile(path: "plugins/\(name).json", contents: PluginTemplateFiles.manifest(name: name, schema: Self.schemaJSON)),
            GeneratedFile(path: "example.json", contents: PluginTemplateFiles.exampleGraph(name: name)),
            GeneratedFile(path: "build.sh", contents: buildScript, executable: true),
            GeneratedFile(path: ".gitignore", contents: "plugins/*.so\n"),
            GeneratedFile(path: "README.md", contents: readme),
        ]
    }

    private var source: String {
        let id = NewPluginName.identifier(name)
        return """
            /*
             * \(name) — a Manifold generator plugin in C: emits each text/plain input with its
             * characters (UTF-8 code points) in reverse order. It takes no config; a node without
             * config receives "{}".
             */
            #include <stdlib.h>
            #include <string.h>

            #include "manifold_plugin.h"

            static manifold_status \(id)_create(const manifold_plugin *plugin, manifold_str config, const manifold_host *host,
                                                void **out_instance, char *error, size_t error_capacity) {
                (void)plugin; (void)config; (void)host; (void)error; (void)error_capacity;
                static int instance; /* stateless: every node may share one */
                *out_instance = &instance;
                return MANIFOLD_OK;
            }

            /* The owner of an output's bytes is the malloc'd block itself. */
            static void release_block(void *owner) {
                free(owner);
            }

            static void \(id)_process(void *instance, const manifold_artifact *input, const manifold_call *call) {
                (void)instance;
                size_t length = input->payload.length;
                const uint8_t *text = input->payload.data;
                uint8_t *reversed = malloc(length ? length : 1);
                if (!reversed) {
                    call->complete(call->context, MANIFOLD_ERROR, manifold_str_from_cstr("out of memory"));
                    return;
                }
                /* Copy each code point (a lead byte and its continuation bytes) to the mirrored place. */
                size_t end = length;
                size_t start = 0;
                while (start < length) {
                    size_t next = start + 1;
                    while (next < length && (text[next] & 0xC0) == 0x80) next++;
                    end -= next - start;
                    memcpy(reversed + end, text + start, next - start);
                    start = next;
                }

                manifold_artifact output;
                memset(&output, 0, sizeof output);
                output.struct_size = sizeof output;
                output.type = manifold_str_from_cstr("text/plain");
                output.payload.data = reversed;
                output.payload.length = length;
                output.payload.owner = reversed;
                output.payload.release = release_block; /* the host owns the bytes now, whatever emit returns */
                manifold_status status = call->emit(call->context, &output);
                if (status == MANIFOLD_CANCELLED) {
                    call->complete(call->context, MANIFOLD_CANCELLED, manifold_str_from_cstr("cancelled"));
                    return;
                }
                call->complete(call->context, status == MANIFOLD_OK ? MANIFOLD_OK : MANIFOLD_ERROR,
                               manifold_str_from_cstr(status == MANIFOLD_OK ? NULL : "the host refused the output"));
            }

            static void \(id)_shutdown(void *instance, void (*done)(void *), void *done_context) {
                (void)instance;
                done(done_context);
            }

            static void \(id)_destroy(void *instance) {
                (void)instance;
            }

            static const char *const \(id)_types[] = {"text/plain"};

            /* Every field here must agree with plugins/\(name).json: the host compares them on load. */
            static const manifold_plugin \(id)_plugin = {
                .struct_size = sizeof(manifold_plugin),
                .name = "\(name)",
                .version = "0.1.0",
                .description = "Reverses text.",
                .kind = MANIFOLD_KIND_GENERATOR,
                .input_types = \(id)_types,
                .input_type_count = 1,
                .output_types = \(id)_types,
                .output_type_count = 1,
                .config_schema = "{\\"type\\":\\"object\\",\\"additionalProperties\\":false}",
                .create = \(id)_create,
                .process = \(id)_process,
                .shutdown = \(id)_shutdown,
                .destroy = \(id)_destroy,
                .get_extension = NULL,
            };

            /* The factory: this library holds one plugin. */
            static uint32_t plugin_count(const manifold_plugin_factory *factory) {
                (void)factory;
                return 1;
            }

            static const manifold_plugin *plugin_at(const manifold_plugin_factory *factory, uint32_t index) {
                (void)factory;
                return index == 0 ? &\(id)_plugin : NULL;
            }

            static const manifold_plugin_factory factory = {
                .struct_size = sizeof(manifold_plugin_factory),
                .plugin_count = plugin_count,
                .plugin_at = plugin_at,
            };

            static const void *get_factory(const char *factory_id) {
                return strcmp(factory_id, MANIFOLD_PLUGIN_FACTORY_ID) == 0 ? &factory : NULL;
            }

            static const manifold_library library = {
                .abi_version = MANIFOLD_ABI_VERSION_INIT,
                .struct_size = sizeof(manifold_library),
                .get_factory = get_factory,
            };

            /* The host compares ABI versions itself and explains a mismatch, so always answer. */
            MANIFOLD_EXPORT const manifold_library *manifold_library_entry(void) {
                return &library;
            }

            """
    }

    private var buildScript: String {
        """
        #!/bin/sh
        # Builds the plugin beside its manifest in plugins/. `./build.sh test` then validates
        # and runs the example graph with $MANIFOLD (default: the manifold on the PATH).
        # $MANIFOLD_INCLUDE names the folder holding manifold_plugin.h.
        set -eu
        cd "$(dirname "$0")"
        include="${MANIFOLD_INCLUDE:-\(includeFolder)}"
        ${CC:-cc} -std=gnu11 -Wall -Wextra -shared -fPIC -I "$include" \(name).c -o plugins/lib\(name).so
        chmod go-w plugins/lib\(name).so    # manifold loads no library that others may change
        echo "built plugins/lib\(name).so"
        if [ "${1:-}" = test ]; then
        \(PluginTemplateFiles.graphCheck)
        fi

        """
    }

    private var readme: String {
        """
        # \(name)

        A Manifold plugin in C against `manifold_plugin.h` alone: a generator that emits each
        text input with its characters reversed. It needs only libc.

        ```sh
        ./build.sh          # cc … -o plugins/lib\(name).so
        chmod go-w plugins/lib\(name).so    # manifold loads no library that others may change
        ./build.sh test     # … and validates and runs the example graph
        manifold run example.json --input "hello"                             # olleh
        MANIFOLD_PLUGIN_PATH=$PWD/plugins manifold run your-graph.json ...    # from any graph
        ```

        - `\(name).c` — the plugin, its factory and the library's entry symbol.
        - `plugins/\(name).json` — its manifest; keep its name, version, kind, types, config
          schema and description equal to the descriptor in `\(name).c`.
        - `example.json` — a graph using the plugin; it finds the plugin through `"plugins": ["plugins"]`.

        """
    }
}
