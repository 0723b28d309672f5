import Foundation
import Testing

/// `manifold check-plugin`: every bundled plugin passes; a C plugin with one fault fails the
/// check named for that fault (and the command goes on, however the plugin misbehaves);
/// every mistake a user can make gets a message with the fix.
@Suite("manifold check-plugin")
struct CheckPluginTests {
    /// One check's row of `--json`.
    struct Row: Equatable, CustomStringConvertible {
        var check: String
        var status: String
        var detail: String
        var stderr: [String]
        var description: String { "\(status.uppercased()) \(check): \(detail)" + stderr.map { "\n  | \($0)" }.joined() }
    }

    /// Runs `check-plugin ARGUMENTS --json`; the status and each plugin's rows.
    static func check(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) async throws -> (
        status: Int32, plugins: [String: [Row]], result: CLI.Result
    ) {
        let result = try await CLI.run(["check-plugin"] + arguments + ["--json"], sourceLocation: sourceLocation)
        guard let object = try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any],
            let plugins = object["plugins"] as? [[String: Any]]
        else {
            Issue.record("no JSON report (status \(result.status)); stderr:\n\(result.stderr)\nstdout:\n\(result.stdout)", sourceLocation: sourceLocation)
            return (result.status, [:], result)
        }
        var rows: [String: [Row]] = [:]
        for plugin in plugins {
            let name = plugin["plugin"] as? String ?? "?"
            rows[name] = (plugin["checks"] as? [[String: Any]] ?? []).map { check in
                Row(
                    check: check["check"] as? String ?? "", status: check["status"] as? String ?? "", detail: check["detail"] as? String ?? "",
                    stderr: check["stderr"] as? [String] ?? [])
            }
        }
        return (result.status, rows, result)
    }

    /// The row of `check` in the only plugin's rows.
    static func row(_ check: String, in plugins: [String: [Row]], sourceLocation: SourceLocation = #_sourceLocation) -> Row? {
        guard plugins.count == 1, let row = plugins.values.first?.first(where: { $0.check == check }) else {
            Issue.record("no row for \(check) in \(plugins)", sourceLocation: sourceLocation)
            return nil
        }
        return row
    }

    /// Limits that keep a faulty plugin's checks short; generous where a limit is not what is tested.
    static let quick = ["--create-destroy-rounds", "30", "--call-time-limit", "30", "--cancel-time-limit", "10", "--time-limit", "120"]

    static let checkNames = [
        "loads", "descriptor-matches-manifest", "config-schema-valid", "empty-config", "create-destroy-no-leak", "process-completes-once",
        "emits-declared-types", "forwards-retained-payloads", "honours-cancellation", "reentrant-cancel", "concurrent-calls", "shutdown-completes",
    ]

    static let bundled: [String] = {
        let folder = CLI.repositoryRoot + "/manifests/plugins"
        let files = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return files.filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }.sorted()
    }()

    // MARK: The bundled plugins

    @Test("every bundled plugin passes every check that applies to it", arguments: bundled)
    func bundledPluginPasses(_ name: String) async throws {
        let (status, plugins, result) = try await Self.check([name] + Self.quick)
        let rows = plugins.values.flatMap { $0 }
        #expect(rows.map(\.check) == Self.checkNames, "stdout: \(result.stdout)")
        let failures = rows.filter { $0.status == "fail" }
        #expect(failures.isEmpty, "\(failures)")
        #expect(status == 0, "stderr: \(result.stderr)")
        // Every plugin that takes inputs is driven, not skipped for want of a config.
        let driven = rows.filter { ["process-completes-once", "create-destroy-no-leak", "shutdown-completes"].contains($0.check) }
        #expect(driven.allSatisfy { $0.status == "pass" || $0.detail.contains("source") }, "\(driven)")
    }

    @Test("a library of several plugins is checked plugin by plugin, as a table")
    func aLibraryOfSeveralPluginsAsText() async throws {
        let library = (CLI.executable as NSString).deletingLastPathComponent + "/libManifoldCExamples.so"
        let result = try await CLI.run(["check-plugin", library] + Self.quick)
        #expect(result.status == 0, "stdout: \(result.stdout)\nstderr: \(result.stderr)")
        #expect(result.stdout.contains("check-plugin forward\n"), "\(result.stdout)")
        #expect(result.stdout.contains("check-plugin ticker\n"), "\(result.stdout)")
        #expect(result.stdout.contains("  PASS  loads                        opened libManifoldCExamples.so (ABI 2.0): 2 plugins (forward, ticker)"))
        #expect(result.stdout.contains("  SKIP  reentrant-cancel"), "ticker is a source")
        let total = result.stdout.split(separator: "\n").last.map(String.init) ?? ""
        #expect(total.hasPrefix("24 checks: ") && total.contains(" 0 failed"), "\(result.stdout)")
    }

    // MARK: Faults, each caught by its check

    @Test("a plugin that segfaults in process fails process-completes-once with the signal; the other checks still run")
    func segfault() async throws {
        let plugin = try await FaultyCPlugin.build("segfaults", process: "(void)call; *(volatile int *)0 = 1;")
        let (status, plugins, _) = try await Self.check([plugin.manifest] + Self.quick)
        #expect(status == 1)
        let row = try #require(Self.row("process-completes-once", in: plugins))
        #expect(row.status == "fail")
        #expect(row.detail.contains("the plugin crashed the check's process (signal 11, Segmentation fault)"), "\(row)")
        #expect(Self.row("loads", in: plugins)?.status == "pass")
        #expect(Self.row("create-destroy-no-leak", in: plugins)?.status == "pass")
    }

    @Test("a plugin that calls abort fails process-completes-once with SIGABRT and the last lines of its stderr")
    func abort() async throws {
        let plugin = try await FaultyCPlugin.build(
            "aborts", process: "(void)call; fprintf(stderr, \"about to give up on %zu bytes\\n\", input->payload.length); abort();")
        let (status, plugins, _) = try await Self.check([plugin.manifest, "--only", "process-completes-once"] + Self.quick)
        #expect(status == 1)
        let row = try #require(Self.row("process-completes-once", in: plugins))
        #expect(row.status == "fail")
        #expect(row.detail.contains("(signal 6, Aborted)"), "\(row)")
        #expect(row.stderr.contains { $0.contains("about to give up on") }, "\(row)")
    }

    @Test("a plugin that calls exit(3) in process fails process-completes-once with the exit status")
    func exits() async throws {
        let plugin = try await FaultyCPlugin.build("exits", process: "(void)call; exit(3);")
        let (status, plugins, _) = try await Self.check([plugin.manifest, "--only", "process-completes-once"] + Self.quick)
        #expect(status == 1)
        let row = try #require(Self.row("process-completes-once", in: plugins))
        #expect(row.status == "fail")
        #expect(row.detail.contains("exited with status 3 before reporting"), "\(row)")
    }

    @Test("a plugin that never completes fails process-completes-once at the call time limit")
    func neverCompletes() async throws {
        let plugin = try await FaultyCPlugin.build("silent", process: "(void)call;")
        let (status, plugins, _) = try await Self.check(
            [plugin.manifest, "--only", "process-completes-once", "--call-time-limit", "1", "--time-limit", "120"])
        #expect(status == 1)
        let row = try #require(Self.row("process-completes-once", in: plugins))
        #expect(row.status == "fail")
        #expect(row.detail.contains("input 1 of 1 (text/plain) was not completed within 1 s (process returned)"), "\(row)")
    }

    @Test("a plugin whose process never returns is killed at the check's time limit, which the failure names")
    func hangs() async throws {
        let plugin = try await FaultyCPlugin.build("hangs", process: "(void)call; for (;;) pause();")
        let (status, plugins, _) = try await Self.check(
            [plugin.manifest, "--only", "process-completes-once", "--call-time-limit", "600", "--time-limit", "2"])
        #expect(status == 1)
        let row = try #require(Self.row("process-completes-once", in: plugins))
        #expect(row.status == "fail")
        #expect(row.detail.contains("did not finish within the time limit of 2 s and was killed"), "\(row)")
    }

    @Test("a plugin that completes twice fails process-completes-once")
    func completesTwice() async throws {
        let plugin = try await FaultyCPlugin.build("twice", process: "complete_ok(call);\n    complete_ok(call);")
        let (status, plugins, _) = try await Self.check([plugin.manifest] + Self.quick)
        #expect(status == 1)
        let row = try #require(Self.row("process-completes-once", in: plugins))
        #expect(row.status == "fail")
        #expect(row.detail.contains("input 1 of 1 (text/plain) was completed 2 times"), "\(row)")
    }

    @Test("a plugin that emits a type it does not declare fails emits-declared-types")
    func undeclaredType() async throws {
        let plugin = try await FaultyCPlugin.build("stray", process: "emit_text(call, \"text/html\", \"<b>hi</b>\");\n    complete_ok(call);")
        let (status, plugins, _) = try await Self.check([plugin.manifest] + Self.quick)
        #expect(status == 1)
        let row = try #require(Self.row("emits-declared-types", in: plugins))
        #expect(row.status == "fail")
        #expect(row.detail.contains("emitted text/html, which its declared outputs {text/plain} do not include"), "\(row)")
        #expect(Self.row("process-completes-once", in: plugins)?.status == "pass")
    }

    @Test("a plugin that passes the input's payload on without a reference of its own fails forwards-retained-payloads; with one it passes")
    func forwardsWithoutRetain() async throws {
        func forwarding(retaining: Bool) -> String {
            """
            manifold_artifact out;
                memset(&out, 0, sizeof out);
                out.struct_size = sizeof out;
                out.type = input->type;
                out.payload = input->payload; /* the input's bytes, owner and release: zero copies */
                \(retaining ? "input->payload.retain(input->payload.owner);" : "")
                call->emit(call->context, &out);
                complete_ok(call);
            """
        }
        let unretained = try await FaultyCPlugin.build("unretained", process: forwarding(retaining: false))
        let (status, plugins, _) = try await Self.check([unretained.manifest] + Self.quick)
        #expect(status == 1)
        let row = try #require(Self.row("forwards-retained-payloads", in: plugins))
        #expect(row.status == "fail")
        #expect(row.detail.contains("input 1 of 1 (text/plain): 1 output passed the input's payload on by reference (its owner and release) without a reference of its own"), "\(row)")
        #expect(row.detail.contains("input->payload.retain(input->payload.owner)"), "\(row)")

        let retained = try await FaultyCPlugin.build("retained", process: forwarding(retaining: true))
        let (fixedStatus, fixedPlugins, fixed) = try await Self.check([retained.manifest] + Self.quick)
        #expect(fixedStatus == 0, "\(fixed.stdout)")
        #expect(Self.row("forwards-retained-payloads", in: fixedPlugins)?.detail == "1 output passed the input's payload on by reference, each with a reference retained first")
    }

    @Test("a plugin that ignores cancellation fails honours-cancellation at the cancellation limit")
    func ignoresCancellation() async throws {
        let plugin = try await FaultyCPlugin.build(
            "stubborn", process: "pthread_t thread;\n    pthread_create(&thread, NULL, late, (void *)call);\n    pthread_detach(thread);",
            extraSource: """
                static void *late(void *argument) {
                    const manifold_call *call = argument;
                    sleep(3);
                    emit_text(call, "text/plain", "late");
                    complete_ok(call);
                    return NULL;
                }
                """)
        let (status, plugins, _) = try await Self.check(
            [plugin.manifest, "--only", "honours-cancellation", "--cancel-time-limit", "0.5", "--call-time-limit", "30"])
        #expect(status == 1)
        let row = try #require(Self.row("honours-cancellation", in: plugins))
        #expect(row.status == "fail")
        #expect(row.detail.contains("was cancelled while running and not completed within 0.5 s"), "\(row)")
    }

    @Test("a plugin that leaks on every create fails create-destroy-no-leak, naming the growth and the bound")
    func leaks() async throws {
        let plugin = try await FaultyCPlugin.build(
            "leaky", process: "complete_ok(call);",
            create: "void *lost = malloc(256 * 1024);\n    memset(lost, 1, 256 * 1024);\n    *out = malloc(1);\n    return MANIFOLD_OK;")
        let (status, plugins, _) = try await Self.check([plugin.manifest, "--only", "create-destroy-no-leak", "--create-destroy-rounds", "60"])
        #expect(status == 1)
        let row = try #require(Self.row("create-destroy-no-leak", in: plugins))
        #expect(row.status == "fail")
        #expect(row.detail.contains("over 60 create/shutdown/destroy rounds"), "\(row)")
        #expect(row.detail.contains("bound 4.0 MiB"), "\(row)")
        #expect(row.detail.contains("per instance is never freed"), "\(row)")
    }

    @Test("a library whose descriptor disagrees with its manifest fails descriptor-matches-manifest, naming each field")
    func disagreesWithManifest() async throws {
        let plugin = try await FaultyCPlugin.working("disagrees")
        try plugin.editManifest(["version": "2.0.0", "outputs": ["application/json"]])
        let (status, plugins, _) = try await Self.check([plugin.manifest] + Self.quick)
        #expect(status == 1)
        let row = try #require(Self.row("descriptor-matches-manifest", in: plugins))
        #expect(row.status == "fail")
        #expect(row.detail.contains("version: manifest says 2.0.0, library says 1.0.0"), "\(row)")
        #expect(row.detail.contains("outputs: manifest says {application/json}, library says {text/plain}"), "\(row)")
        #expect(Self.row("loads", in: plugins)?.status == "pass", "a disagreement is its own check's finding")
    }

    @Test("a plugin whose config schema is invalid fails config-schema-valid, in the library and in the manifest")
    func invalidConfigSchema() async throws {
        let plugin = try await FaultyCPlugin.build(
            "badschema", process: "complete_ok(call);", configSchema: #""{\"type\": \"objekt\"}""#)
        try plugin.editManifest(["configSchema": ["type": "objekt"]])
        let (status, plugins, _) = try await Self.check([plugin.manifest] + Self.quick)
        #expect(status == 1)
        let row = try #require(Self.row("config-schema-valid", in: plugins))
        #expect(row.status == "fail")
        #expect(row.detail.contains("the compiled config_schema:"), "\(row)")
        #expect(row.detail.contains("the manifest's configSchema: $.configSchema.type"), "\(row)")
        #expect(row.detail.contains("objekt"), "\(row)")
        // The host would refuse to load it: `loads` says so too, and the rest still runs.
        #expect(Self.row("loads", in: plugins)?.status == "fail")
        #expect(Self.row("process-completes-once", in: plugins)?.status == "pass")
    }

    @Test("a working C plugin passes, and its config examples that do not match the schema fail config-schema-valid")
    func workingPluginAndItsExamples() async throws {
        let plugin = try await FaultyCPlugin.working("fine")
        let (status, plugins, result) = try await Self.check([plugin.manifest] + Self.quick)
        #expect(status == 0, "\(result.stdout)")
        #expect(plugins.values.flatMap { $0 }.allSatisfy { $0.status != "fail" })
        try plugin.editManifest(["configSchema": ["type": "object", "properties": ["n": ["type": "integer"]], "examples": [["n": "one"]]]])
        let (badStatus, badPlugins, _) = try await Self.check([plugin.manifest] + Self.quick)
        #expect(badStatus == 1)
        let row = try #require(Self.row("config-schema-valid", in: badPlugins))
        #expect(row.status == "fail")
        #expect(row.detail.contains("examples[0] of the manifest's schema does not match it: $.n"), "\(row)")
    }

    // MARK: What users get wrong

    @Test("no plugin of that name: the plugins found and a suggestion")
    func noSuchPlugin() async throws {
        let result = try await CLI.run(["check-plugin", "uppercas"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("error: no plugin named 'uppercas'"), "\(result.stderr)")
        #expect(result.stderr.contains("fix: did you mean 'uppercase'? check the name, or add the folder holding uppercas.json to MANIFOLD_PLUGIN_PATH"), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    @Test("no such file: the path and what to give instead")
    func noSuchFile() async throws {
        let result = try await CLI.run(["check-plugin", "plugins/missing.so"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("error: plugins/missing.so: no such file"), "\(result.stderr)")
        #expect(result.stderr.contains("fix: check the path of the library"), "\(result.stderr)")
    }

    @Test("--config that is not JSON: where it breaks and an example of the fix")
    func configNotJSON() async throws {
        let result = try await CLI.run(["check-plugin", "uppercase", "--config", #"{"suffix": }"#])
        #expect(result.status == 64)
        #expect(result.stderr.contains("--config is not JSON:"), "\(result.stderr)")
        #expect(result.stderr.contains("column 12"), "\(result.stderr)")
        #expect(result.stderr.contains(#"fix: pass one JSON object, quoted for the shell: --config '{"suffix": "!"}'"#), "\(result.stderr)")
        let array = try await CLI.run(["check-plugin", "uppercase", "--config", "[1]"])
        #expect(array.status == 64)
        #expect(array.stderr.contains("--config must be a JSON object (a node's config), got array"), "\(array.stderr)")
    }

    @Test("--config the schema refuses: the violation and where the schema is shown")
    func configTheSchemaRefuses() async throws {
        let result = try await CLI.run(["check-plugin", "uppercase", "--config", #"{"sufix": "!"}"#])
        #expect(result.status == 2)
        #expect(result.stderr.contains("error: --config does not match the plugin's config schema: $.sufix"), "\(result.stderr)")
        #expect(result.stderr.contains("fix: correct --config; `manifold inspect "), "\(result.stderr)")
        #expect(result.stderr.contains("manifests/plugins/uppercase.json` shows the config schema"), "\(result.stderr)")
        let good = try await CLI.run(["check-plugin", "uppercase", "--config", #"{"suffix": "!"}"#, "--only", "process-completes-once"])
        #expect(good.status == 0, "\(good.stdout)\n\(good.stderr)")
        #expect(good.stdout.contains("PASS  process-completes-once"), "\(good.stdout)")
    }

    @Test("--plugin that the library lacks, and --config for a library of several")
    func pluginChoiceMistakes() async throws {
        let library = (CLI.executable as NSString).deletingLastPathComponent + "/libManifoldMiddleware.so"
        let missing = try await CLI.run(["check-plugin", library, "--plugin", "retyr"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("holds no plugin named 'retyr'; it holds: retry, timeout, rate-limit, redact, schema"), "\(missing.stderr)")
        #expect(missing.stderr.contains("fix: pass one of those names to --plugin"))
        let configured = try await CLI.run(["check-plugin", library, "--config", #"{"seconds": 1}"#])
        #expect(configured.status == 2)
        #expect(configured.stderr.contains("--config is for one plugin, and"), "\(configured.stderr)")
        #expect(configured.stderr.contains("fix: add --plugin NAME"), "\(configured.stderr)")
        let manifestWithPlugin = try await CLI.run(["check-plugin", "manifests/plugins/retry.json", "--plugin", "retry"])
        #expect(manifestWithPlugin.status == 64)
        #expect(manifestWithPlugin.stderr.contains("names its own plugin, so leave --plugin out"), "\(manifestWithPlugin.stderr)")
    }

    @Test("--only with a check that does not exist lists the checks")
    func unknownCheck() async throws {
        let result = try await CLI.run(["check-plugin", "uppercase", "--only", "leaks"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("--only: no check named 'leaks'; the checks are: loads, descriptor-matches-manifest"), "\(result.stderr)")
    }
}
