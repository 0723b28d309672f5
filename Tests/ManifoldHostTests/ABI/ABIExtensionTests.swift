import Foundation
import Logging
import ManifoldJSON
import Manifold
import ManifoldHost
import Testing

/// The extensions of ABI 2.0, used for real: `manifold.state` snapshots an instance per key,
/// `manifold.source` lets a plugin emit without an input.
@Suite("ABI: extensions")
struct ABIExtensionTests {
    /// A plugin that counts the inputs of each correlation id and offers the counts as state.
    static let counter = """
        typedef struct counts { char keys[8][32]; int values[8]; int used; } counts;
        static int *slot(counts *c, manifold_str key) {
            for (int i = 0; i < c->used; i++)
                if (strlen(c->keys[i]) == key.length && memcmp(c->keys[i], key.data, key.length) == 0) return &c->values[i];
            if (c->used == 8 || key.length >= 32) return NULL;
            memcpy(c->keys[c->used], key.data, key.length);
            c->keys[c->used][key.length] = 0;
            c->values[c->used] = 0;
            return &c->values[c->used++];
        }
        static manifold_status state_keys(void *instance, void (*visit)(void *, manifold_str), void *context) {
            counts *c = instance;
            for (int i = 0; i < c->used; i++) visit(context, manifold_str_from_cstr(c->keys[i]));
            return MANIFOLD_OK;
        }
        static manifold_status state_save(void *instance, manifold_str key, const manifold_state_writer *writer) {
            int *value = slot(instance, key);
            if (!value) return MANIFOLD_ERROR;
            char text[16];
            int length = snprintf(text, sizeof text, "v1:%d", *value);
            return writer->write(writer->context, (const uint8_t *)text, (size_t)length);
        }
        static manifold_status state_load(void *instance, manifold_str key, manifold_bytes bytes, char *error, size_t capacity) {
            int *value = slot(instance, key);
            if (!value || bytes.length < 4 || memcmp(bytes.data, "v1:", 3) != 0) {
                snprintf(error, capacity, "not a v1 counter state");
                return MANIFOLD_ERROR;
            }
            *value = atoi((const char *)bytes.data + 3);
            return MANIFOLD_OK;
        }
        static const manifold_plugin_state counter_state = {
            .struct_size = sizeof(manifold_plugin_state), .keys = state_keys, .save = state_save, .load = state_load,
        };
        """

    @Test func stateIsSavedAndLoadedPerKey() async throws {
        let kit = try await CPluginKit(
            "counter",
            process: """
                int *value = slot(instance, input->correlation_id);
                if (value) *value += 1;
                call->complete(call->context, MANIFOLD_OK, manifold_str_from_cstr(NULL));
                """,
            prelude: Self.counter,
            extensions: "strcmp(id, MANIFOLD_EXT_STATE) == 0 ? (const void *)&counter_state : NULL",
            flags: "0")
        #expect(kit.plugin.descriptor.extensions == ["manifold.state"])
        let state = try #require(kit.generator.state)
        for key in ["a", "b", "a", "a"] { _ = try await kit.run(.text("x", correlationID: key)) }
        #expect(try state.keys().sorted() == ["a", "b"])
        let saved = try state.save(key: "a")
        #expect(String(decoding: saved, as: UTF8.self) == "v1:3")
        try state.load(Data("v1:41".utf8), key: "b")
        _ = try await kit.run(.text("x", correlationID: "b"))
        #expect(String(decoding: try state.save(key: "b"), as: UTF8.self) == "v1:42")
        #expect(throws: PluginStateError.self) { try state.load(Data("garbage".utf8), key: "a") }
        do {
            try state.load(Data("garbage".utf8), key: "a")
        } catch {
            #expect("\(error)".contains("not a v1 counter state"))
        }
    }

    @Test func aPluginWithoutTheExtensionHasNone() async throws {
        let kit = try await CPluginKit("plain", process: "call->complete(call->context, MANIFOLD_OK, manifold_str_from_cstr(NULL));")
        #expect(kit.plugin.descriptor.extensions.isEmpty)
        #expect(kit.generator.state == nil)
        #expect(kit.generator.source == nil)
    }

    /// A source that emits `count` ticks from its own thread, or runs until stopped (count 0).
    static func ticker(count: Int) -> String {
        """
        static const manifold_source_sink *running_sink;
        static atomic_int stop_requested;
        static void *tick(void *unused) {
            (void)unused;
            for (int i = 0; \(count) == 0 || i < \(count); i++) {
                char text[32];
                snprintf(text, sizeof text, "tick %d", i);
                manifold_artifact out; memset(&out, 0, sizeof out);
                out.struct_size = sizeof out;
                out.type = manifold_str_from_cstr("text/plain");
                out.payload.data = (const uint8_t *)text;
                out.payload.length = strlen(text);
                manifold_status status = running_sink->emit(running_sink->context, &out);
                if (status == MANIFOLD_CANCELLED) { report[1] += 1; break; }
                if (atomic_load(&stop_requested)) usleep(1000);
            }
            running_sink->finished(running_sink->context, MANIFOLD_OK, manifold_str_from_cstr(NULL));
            return NULL;
        }
        static manifold_status source_start(void *instance, const manifold_source_sink *sink) {
            (void)instance;
            report[2] += 1;
            running_sink = sink;
            pthread_t thread;
            pthread_create(&thread, NULL, tick, NULL);
            pthread_detach(thread);
            return MANIFOLD_OK;
        }
        static void source_stop(void *instance) { (void)instance; atomic_store(&stop_requested, 1); report[0] += 1; }
        static const manifold_plugin_source ticker_source = {
            .struct_size = sizeof(manifold_plugin_source), .start = source_start, .stop = source_stop,
        };
        """
    }

    @Test func aSourceEmitsWithoutInputUntilItFinishes() async throws {
        let kit = try await CPluginKit(
            "ticker", process: "call->complete(call->context, MANIFOLD_OK, manifold_str_from_cstr(NULL));",
            prelude: Self.ticker(count: 5),
            extensions: "strcmp(id, MANIFOLD_EXT_SOURCE) == 0 ? (const void *)&ticker_source : NULL")
        #expect(kit.plugin.descriptor.extensions == ["manifold.source"])
        let source = try #require(kit.generator.source)
        let received = Collected()
        try await source.run { received.append($0) }
        #expect(received.items.map(\.text) == (0..<5).map { "tick \($0)" })
        #expect(received.items.allSatisfy { $0.origin == "probe" })
        #expect(kit.report(0) == 0, "a source that finished on its own is not asked to stop")
    }

    @Test func cancellingARunningSourceStopsIt() async throws {
        let kit = try await CPluginKit(
            "endless", process: "call->complete(call->context, MANIFOLD_OK, manifold_str_from_cstr(NULL));",
            prelude: Self.ticker(count: 0),
            extensions: "strcmp(id, MANIFOLD_EXT_SOURCE) == 0 ? (const void *)&ticker_source : NULL")
        let source = try #require(kit.generator.source)
        let received = Collected()
        let run = Task { try await source.run { received.append($0) } }
        #expect(await waitUntil { received.items.count >= 10 })
        run.cancel()
        try await run.value
        #expect(kit.report(0) == 1, "stop was called once")
        #expect(kit.report(1) == 1, "the next emit after stop returned MANIFOLD_CANCELLED")
    }

    /// A stop that comes before the run (Ctrl-C while the graph was being built) means the
    /// source never starts; and a source runs once.
    @Test func aSourceStoppedBeforeItsRunNeverStarts() async throws {
        let kit = try await CPluginKit(
            "stopped-early", process: "call->complete(call->context, MANIFOLD_OK, manifold_str_from_cstr(NULL));",
            prelude: Self.ticker(count: 0),
            extensions: "strcmp(id, MANIFOLD_EXT_SOURCE) == 0 ? (const void *)&ticker_source : NULL")
        let source = try #require(kit.generator.source)
        source.stop()
        try await source.run { _ in Issue.record("a stopped source emitted") }
        #expect(kit.report(2) == 0, "start was never called")
        #expect(kit.report(0) == 0, "nor stop: the plugin never ran")
        await #expect(throws: NativePluginError.self) { try await source.run { _ in } }
    }

    /// A source whose start fails, one that finishes with an error, and one that emits a
    /// malformed artifact: each is reported, none silently.
    @Test func sourceFailuresAreReported() async throws {
        let refusing = try await CPluginKit(
            "refuses-start", process: "call->complete(call->context, MANIFOLD_OK, manifold_str_from_cstr(NULL));",
            prelude: """
                static manifold_status start(void *instance, const manifold_source_sink *sink) { (void)instance; (void)sink; return MANIFOLD_ERROR; }
                static void stop(void *instance) { (void)instance; }
                static const manifold_plugin_source source = { .struct_size = sizeof source, .start = start, .stop = stop };
                """,
            extensions: "strcmp(id, MANIFOLD_EXT_SOURCE) == 0 ? (const void *)&source : NULL")
        do {
            try await #require(refusing.generator.source).run { _ in }
            Issue.record("a source whose start failed ran")
        } catch {
            #expect("\(error)".contains("its source did not start"))
        }

        let broken = try await CPluginKit(
            "broken-source", process: "call->complete(call->context, MANIFOLD_OK, manifold_str_from_cstr(NULL));",
            prelude: """
                static manifold_status start(void *instance, const manifold_source_sink *sink) {
                    (void)instance;
                    manifold_artifact out; memset(&out, 0, sizeof out);
                    out.struct_size = sizeof out;
                    out.type = manifold_str_from_cstr("not a type");
                    report[3] = sink->emit(sink->context, &out);
                    sink->finished(sink->context, MANIFOLD_ERROR, manifold_str_from_cstr("sensor unplugged"));
                    return MANIFOLD_OK;
                }
                static void stop(void *instance) { (void)instance; }
                static const manifold_plugin_source source = { .struct_size = sizeof source, .start = start, .stop = stop };
                """,
            extensions: "strcmp(id, MANIFOLD_EXT_SOURCE) == 0 ? (const void *)&source : NULL")
        do {
            try await #require(broken.generator.source).run { _ in Issue.record("a malformed artifact was published") }
            Issue.record("a source that finished with an error succeeded")
        } catch {
            #expect("\(error)".contains("sensor unplugged"))
        }
        #expect(broken.report(3) == 3)  // MANIFOLD_INVALID_ARGUMENT
        #expect(broken.generator.pluginBugs == 1)
    }

    /// Through a graph: the run completes, the failure is counted (so `manifold run` exits
    /// non-zero) and published on `$errors` with the node's name.
    @Test func aFailingSourceIsTheNodesFailureInAGraph() async throws {
        let kit = try await CPluginKit(
            "fails-in-graph", process: "call->complete(call->context, MANIFOLD_OK, manifold_str_from_cstr(NULL));",
            prelude: """
                static manifold_status start(void *instance, const manifold_source_sink *sink) {
                    (void)instance;
                    sink->finished(sink->context, MANIFOLD_ERROR, manifold_str_from_cstr("sensor unplugged"));
                    return MANIFOLD_OK;
                }
                static void stop(void *instance) { (void)instance; }
                static const manifold_plugin_source source = { .struct_size = sizeof source, .start = start, .stop = stop };
                """,
            extensions: "strcmp(id, MANIFOLD_EXT_SOURCE) == 0 ? (const void *)&source : NULL")
        let path = kit.folder + "/graph.json"
        try """
            { "manifold": 1, "name": "failing", "outputs": { "out": { "topic": "ticks", "types": ["*/*"] } },
              "nodes": { "clock": { "plugin": "probe", "output": "ticks" } } }
            """.write(toFile: path, atomically: true, encoding: .utf8)
        let validation = GraphValidator.validate(manifestAt: path, providers: ["probe": kit.plugin])
        #expect(validation.errors.isEmpty, "\(validation.diagnostics)")
        let run = try await GraphRun(validation: validation, logger: Logger(label: "test"))
        let errors = Collected()
        let report = try await run.run(feeds: [], onOutput: { _, _ in }, onError: { errors.append($0) })
        #expect(report.failures == 1)
        #expect(report.failedSources["clock"]?.contains("sensor unplugged") == true)
        let error = try #require(errors.items.first)
        #expect(error.metadata[MetadataKey.errorNode] == "clock")
        #expect(try JSONValue(parsing: error.payload)["message"]?.stringValue?.contains("sensor unplugged") == true)
    }
}
