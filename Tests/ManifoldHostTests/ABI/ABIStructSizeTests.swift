import Foundation
import Manifold
import ManifoldHost
import Testing

/// Readers touch only the bytes inside the writer's `struct_size`: a shorter struct (an older
/// minor) reads its missing fields as zero, a longer one (a newer writer) has its tail ignored.
@Suite("ABI: struct sizes")
struct ABIStructSizeTests {
    @Test func shorterArtifactReadsMissingFieldsAsZero() async throws {
        let kit = try await CPluginKit(
            "short-artifact",
            process: """
                manifold_artifact out; memset(&out, 0xAB, sizeof out);
                out.struct_size = (uint32_t)offsetof(manifold_artifact, metadata);
                out.id = manifold_str_from_cstr("short-1");
                out.type = manifold_str_from_cstr("text/plain");
                report[0] = call->emit(call->context, &out);
                call->complete(call->context, MANIFOLD_OK, manifold_str_from_cstr(NULL));
                """)
        let outputs = try await kit.run(.text("x", correlationID: "c7"))
        #expect(kit.report(0) == 0)
        let output = try #require(outputs.first)
        #expect(output.id == "short-1")
        #expect(output.type == .plainText)
        #expect(output.payload.isEmpty)
        #expect(output.metadata.isEmpty)
        // Past the writer's struct: the correlation id is inherited, not read from 0xAB bytes.
        #expect(output.correlationID == "c7")
    }

    @Test func longerArtifactHasItsTailIgnored() async throws {
        let kit = try await CPluginKit(
            "long-artifact",
            process: """
                struct { manifold_artifact base; unsigned char future[64]; } out;
                memset(&out, 0, sizeof out);
                memset(out.future, 0xCD, sizeof out.future);
                out.base.struct_size = sizeof out;
                out.base.type = manifold_str_from_cstr("text/plain");
                out.base.payload.data = (const uint8_t *)"hello";
                out.base.payload.length = 5;
                report[0] = call->emit(call->context, &out.base);
                call->complete(call->context, MANIFOLD_OK, manifold_str_from_cstr(NULL));
                """)
        let outputs = try await kit.run(.text("x"))
        #expect(kit.report(0) == 0)
        #expect(outputs.map(\.text) == ["hello"])
    }

    @Test func artifactTooShortForItsTypeIsRefused() async throws {
        let kit = try await CPluginKit(
            "tiny-artifact",
            process: """
                manifold_artifact out; memset(&out, 0, sizeof out);
                out.struct_size = 8;
                out.type = manifold_str_from_cstr("text/plain");
                report[0] = call->emit(call->context, &out);
                call->complete(call->context, MANIFOLD_OK, manifold_str_from_cstr(NULL));
                """)
        let outputs = try await kit.run(.text("x"))
        #expect(kit.report(0) == 3)
        #expect(outputs.isEmpty)
        #expect(kit.rejected.items.count == 1)
        #expect(kit.rejected.items.first?.contains("emitted a malformed artifact: artifact struct_size 8") == true)
        #expect(kit.rejected.items.first?.contains("fix the plugin: set struct_size = sizeof(manifold_artifact)") == true)
    }

    /// A descriptor written by a newer writer (appended fields) loads, read within what this
    /// host knows; a library of a newer minor is refused (see PluginLoadErrorTests).
    @Test func longerDescriptorLoads() async throws {
        let folder = try HostTestSupport.temporaryFolder()
        var source = TestPluginSource.generator()
        source = source.replacingOccurrences(
            of: "static const manifold_plugin test_plugin = {",
            with: "static const struct { manifold_plugin base; void *future[4]; } test_wide = { .base = {")
        source = source.replacingOccurrences(
            of: ".create = test_create, .process = test_process, .shutdown = test_shutdown, .destroy = test_destroy,\n};",
            with: ".create = test_create, .process = test_process, .shutdown = test_shutdown, .destroy = test_destroy,\n}, .future = {0} };\n#define test_plugin test_wide.base")
        source = source.replacingOccurrences(of: ".struct_size = sizeof(manifold_plugin)", with: ".struct_size = sizeof(manifold_plugin) + 4 * sizeof(void *)")
        let library = try await HostTestSupport.compileC(source, named: "wide", in: folder)
        let plugin = try PluginLoader(options: PluginLoaderOptions(libraryPaths: [])).load(libraryAt: library)
        #expect(plugin.descriptor.name == "test")
        #expect(plugin.descriptor.structSize > 120)
    }

    /// The C initialiser macro, the static constants Swift reads and the static struct must
    /// describe one version, and the compatibility rule must accept it: a C program checks.
    @Test func headerVersionValuesAgree() async throws {
        let folder = try HostTestSupport.temporaryFolder()
        try """
            #include "manifold_plugin.h"
            int main(void) {
                manifold_version init = MANIFOLD_ABI_VERSION_INIT;
                manifold_version newer = {MANIFOLD_ABI_VERSION_MAJOR, MANIFOLD_ABI_VERSION_MINOR + 1};
                manifold_version older_major = {MANIFOLD_ABI_VERSION_MAJOR - 1, 0};
                if (init.major != MANIFOLD_ABI_VERSION_MAJOR || init.minor != MANIFOLD_ABI_VERSION_MINOR) return 1;
                if (MANIFOLD_ABI_VERSION.major != init.major || MANIFOLD_ABI_VERSION.minor != init.minor) return 2;
                if (!manifold_version_is_compatible(init)) return 3;
                if (manifold_version_is_compatible(newer) || manifold_version_is_compatible(older_major)) return 4;
                return 0;
            }
            """.write(toFile: folder + "/version.c", atomically: true, encoding: .utf8)
        let built = try await HostTestSupport.run(
            "/usr/bin/cc", ["-std=c11", "-I", HostTestSupport.abiIncludeFolder, folder + "/version.c", "-o", folder + "/version"])
        try #require(built.status == 0, "\(built.output)")
        let checked = try await HostTestSupport.run(folder + "/version", [])
        #expect(checked.status == 0, "version check \(checked.status) failed")
        #expect(ABIVersion.host == ABIVersion(major: 2, minor: 0))
    }
}
