import Foundation
import Testing

/// A run that lost artifacts to `$dead-letter` says why and exits 3 unless told to accept
/// the loss; a plugin's malformed emit is reported with its real reason.
@Suite("manifold run: dead letters and malformed emits")
struct DeadLetterExitTests {
    /// A plugin whose `process` runs `emitting` (C statements setting up `output`, whose
    /// struct is zeroed and sized), emits it, then emits a text/plain artifact saying which
    /// status the first emit returned; and a graph running it.
    static func graph(name: String, emitting setup: String) async throws -> String {
        let folder = try await TestCPlugin.build(
            name: name,
            process: """
                manifold_artifact output;
                memset(&output, 0, sizeof output);
                output.struct_size = sizeof output;
                \(setup)
                manifold_status first = call->emit(call->context, &output);
                char text[64];
                snprintf(text, sizeof text, "first emit returned %d", (int)first);
                manifold_artifact report;
                memset(&report, 0, sizeof report);
                report.struct_size = sizeof report;
                report.type = manifold_str_from_cstr("text/plain");
                report.payload.data = (const uint8_t *)text;
                report.payload.length = strlen(text);
                manifold_status second = call->emit(call->context, &report);
                call->complete(call->context, second, manifold_str_from_cstr(NULL));
                """,
            extraSource: "#include <stdio.h>")
        return try CLI.writeGraph("""
            {"manifold": 1, "name": "dead", "plugins": ["\(folder)"],
             "inputs": {"text": {"topic": "in", "types": ["text/plain"]}},
             "outputs": {"out": {"topic": "out", "types": ["text/plain"]}},
             "nodes": {"emitter": {"plugin": "\(name)", "subscribe": ["in"], "output": "out"}}}
            """)
    }

    @Test func anUndeclaredOutputTypeFailsTheRunUnlessAllowed() async throws {
        let graph = try await Self.graph(name: "htmler", emitting: #"output.type = manifold_str_from_cstr("text/html");"#)
        let refused = try await CLI.run(["run", graph, "--input", "x"])
        #expect(refused.status == 3, "stderr: \(refused.stderr)")
        #expect(refused.stdout == "first emit returned 0\n")
        #expect(refused.stderr.contains("1 artifact(s) could not be delivered and went to $dead-letter (rejected-output: 1)"), "\(refused.stderr)")
        #expect(refused.stderr.contains("node 'emitter' emitted text/html, which its outputs"), "\(refused.stderr)")
        #expect(refused.stderr.contains("--allow-dead-letters"), "\(refused.stderr)")
        let allowed = try await CLI.run(["run", graph, "--input", "x", "--allow-dead-letters"])
        #expect(allowed.status == 0, "stderr: \(allowed.stderr)")
        #expect(allowed.stderr.contains("(rejected-output: 1)"), "the loss is still reported: \(allowed.stderr)")
    }

    @Test func aMalformedTypeIsReportedWithItsReasonAndRefusedToThePlugin() async throws {
        let graph = try await Self.graph(name: "badtype", emitting: #"output.type = manifold_str_from_cstr("not a type");"#)
        let result = try await CLI.run(["run", graph, "--input", "x"])
        #expect(result.status == 3, "stderr: \(result.stderr)")
        // MANIFOLD_INVALID_ARGUMENT is 3: the plugin was told its emit failed.
        #expect(result.stdout == "first emit returned 3\n")
        #expect(result.stderr.contains("(malformed-output: 1)"), "\(result.stderr)")
        #expect(result.stderr.contains("node 'emitter' (plugin 'badtype') emitted a malformed artifact: the artifact's type is malformed"), "\(result.stderr)")
        #expect(result.stderr.contains("fix the plugin: set type to a concrete media type"), "\(result.stderr)")
        #expect(!result.stderr.contains("manifold/error"), "\(result.stderr)")
        #expect(!result.stderr.contains("do not declare"), "\(result.stderr)")
    }

    @Test func aMissingTypeAndBadMetadataAreNamed() async throws {
        let untyped = try await Self.graph(name: "untyped", emitting: "")
        let noType = try await CLI.run(["run", untyped, "--input", "x"])
        #expect(noType.status == 3, "stderr: \(noType.stderr)")
        #expect(noType.stderr.contains("emitted a malformed artifact: the artifact has no type"), "\(noType.stderr)")
        let metadata = try await Self.graph(
            name: "nullmeta",
            emitting: #"output.type = manifold_str_from_cstr("text/plain"); output.metadata = NULL; output.metadata_count = 2;"#)
        let nullMetadata = try await CLI.run(["run", metadata, "--input", "x"])
        #expect(nullMetadata.status == 3, "stderr: \(nullMetadata.stderr)")
        #expect(nullMetadata.stdout == "first emit returned 3\n")
        #expect(nullMetadata.stderr.contains("the artifact has metadata_count 2 but metadata is NULL"), "\(nullMetadata.stderr)")
        let pattern = try await Self.graph(name: "wildcard", emitting: #"output.type = manifold_str_from_cstr("text/*");"#)
        let wildcard = try await CLI.run(["run", pattern, "--input", "x"])
        #expect(wildcard.stderr.contains("the artifact's type text/* is a pattern, not a type"), "\(wildcard.stderr)")
    }

    @Test func anArtifactNobodyReadsFailsTheRun() async throws {
        let graph = try CLI.writeGraph("""
            {"manifold": 1, "name": "nowhere", "plugins": ["$PLUGINS"],
             "inputs": {"text": {"topic": "in", "types": ["text/plain"]}},
             "outputs": {"out": {"topic": "out", "types": ["text/plain"]}},
             "nodes": {"shout": {"plugin": "uppercase", "subscribe": ["in"], "output": "out"},
                       "lost": {"plugin": "uppercase", "subscribe": ["in"], "output": "nowhere"}}}
            """)
        let result = try await CLI.run(["run", graph, "--input", "x"])
        #expect(result.status == 3, "stderr: \(result.stderr)")
        #expect(result.stdout == "X\n")
        #expect(result.stderr.contains("(no-subscriber: 1)"), "\(result.stderr)")
        #expect(try await CLI.run(["run", graph, "--input", "x", "--allow-dead-letters"]).status == 0)
    }

    /// A source (`manifold.source`) emitting from its own thread: first a malformed artifact,
    /// then a report of the status that emit returned.
    @Test func aSourcesMalformedEmitIsDeadLetteredWithItsReason() async throws {
        let folder = try await TestCPlugin.build(
            name: "badsource",
            process: "call->complete(call->context, MANIFOLD_OK, manifold_str_from_cstr(NULL));",
            extraSource: """
                #include <pthread.h>
                #include <stdio.h>
                #include "manifold/ext/source.h"
                static const manifold_source_sink *the_sink;
                static void *source_thread(void *unused) {
                    (void)unused;
                    manifold_artifact bad;
                    memset(&bad, 0, sizeof bad);
                    bad.struct_size = sizeof bad;
                    bad.type = manifold_str_from_cstr("not a type");
                    manifold_status first = the_sink->emit(the_sink->context, &bad);
                    char text[64];
                    snprintf(text, sizeof text, "source emit returned %d", (int)first);
                    manifold_artifact report;
                    memset(&report, 0, sizeof report);
                    report.struct_size = sizeof report;
                    report.type = manifold_str_from_cstr("text/plain");
                    report.payload.data = (const uint8_t *)text;
                    report.payload.length = strlen(text);
                    the_sink->emit(the_sink->context, &report);
                    the_sink->finished(the_sink->context, MANIFOLD_OK, manifold_str_from_cstr(NULL));
                    return NULL;
                }
                static manifold_status source_start(void *instance, const manifold_source_sink *sink) {
                    (void)instance;
                    the_sink = sink;
                    pthread_t thread;
                    if (pthread_create(&thread, NULL, source_thread, NULL) != 0) return MANIFOLD_ERROR;
                    pthread_detach(thread);
                    return MANIFOLD_OK;
                }
                static void source_stop(void *instance) { (void)instance; }
                static const manifold_plugin_source the_source = {
                    .struct_size = sizeof(manifold_plugin_source), .start = source_start, .stop = source_stop,
                };
                static const void *plugin_get_extension(const manifold_plugin *plugin, const char *id) {
                    (void)plugin;
                    return strcmp(id, MANIFOLD_EXT_SOURCE) == 0 ? &the_source : NULL;
                }
                """,
            getExtension: "plugin_get_extension", extensions: ["manifold.source"])
        let graph = try CLI.writeGraph("""
            {"manifold": 1, "name": "badsource", "plugins": ["\(folder)"],
             "outputs": {"out": {"topic": "out", "types": ["text/plain"]}},
             "nodes": {"clock": {"plugin": "badsource", "output": "out"}}}
            """)
        let refused = try await CLI.run(["run", graph])
        #expect(refused.status == 3, "stderr: \(refused.stderr)")
        // MANIFOLD_INVALID_ARGUMENT is 3: the source was told its emit failed.
        #expect(refused.stdout == "source emit returned 3\n")
        #expect(refused.stderr.contains("(malformed-output: 1)"), "\(refused.stderr)")
        #expect(
            refused.stderr.contains("node 'clock' (plugin 'badsource') emitted a malformed artifact: the artifact's type is malformed"),
            "\(refused.stderr)")
        let allowed = try await CLI.run(["run", graph, "--allow-dead-letters"])
        #expect(allowed.status == 0, "stderr: \(allowed.stderr)")
        #expect(allowed.stdout == "source emit returned 3\n")
    }
}
