import Foundation
import Manifold
import ManifoldPluginKit
import Synchronization

/// `log`: a middleware that writes one structured JSON line per input, output and failure
/// of the node it wraps, with timings, and passes everything through unchanged.
struct LogPlugin: MiddlewarePlugin {
    struct Configuration: Decodable, Sendable {
        /// "stderr" (default), "stdout", or a file path to append to.
        var destination: String?
        /// How many characters of each payload to include (0, the default: none).
        var payloadPreview: Int?
        /// Whether to log outputs as well as inputs (default true).
        var outputs: Bool?
    }

    static let info = PluginInfo(
        name: "log", version: "1.0.0", summary: "Writes a JSON line per input, output and failure; changes nothing.",
        ports: .any,
        configSchema: [
            "type": "object",
            "additionalProperties": false,
            "properties": [
                "destination": ["type": "string", "minLength": 1],
                "payloadPreview": ["type": "integer", "minimum": 0, "maximum": 65536],
                "outputs": ["type": "boolean"],
            ],
        ],
        allowsConcurrentProcessing: true)

    let sink: LineSink
    let node: String
    let preview: Int
    let logsOutputs: Bool

    init(configuration: Configuration, host: PluginHost) throws {
        sink = try LineSink(destination: configuration.destination ?? "stderr")
        node = host.node
        preview = configuration.payloadPreview ?? 0
        logsOutputs = configuration.outputs ?? true
    }

    func handle(_ input: Artifact, context: ProcessingContext, next: MiddlewareNext) async throws {
        let started = ContinuousClock.now
        sink.write(record(event: "input", artifact: input))
        let observed = logsOutputs
            ? context.interceptingEmits { output, emit in
                sink.write(record(event: "output", artifact: output, since: started))
                try await emit(output)
            }
            : context
        do {
            try await next(input, observed)
            sink.write(record(event: "done", artifact: input, since: started))
        } catch {
            var failure = record(event: "error", artifact: input, since: started)
            failure["error"] = "\(error)"
            sink.write(failure)
            throw error
        }
    }

    func shutdown() async {
        sink.close()
    }

    private func record(event: String, artifact: Artifact, since started: ContinuousClock.Instant? = nil) -> [String: String] {
        var record: [String: String] = [
            "time": Date().formatted(.iso8601),
            "node": node, "event": event, "id": artifact.id.rawValue, "type": artifact.type.description,
            "bytes": "\(artifact.payload.count)",
        ]
        if let correlation = artifact.correlationID { record["correlation"] = correlation }
        if let started {
            let elapsed = ContinuousClock.now - started
            record["elapsedMicros"] = "\(elapsed.components.seconds * 1_000_000 + elapsed.components.attoseconds / 1_000_000_000_000)"
        }
        if preview > 0 { record["payload"] = String(artifact.text.prefix(preview)) }
        return record
    }
}

/// Where log lines go; one lock per line so concurrent calls never interleave bytes.
final class LineSink: Sendable {
    /// The file and one encoder for every line, used under the lock.
    private let handle: Mutex<(handle: FileHandle?, encoder: JSONEncoder)>
    private let ownsHandle: Bool

    init(destination: String) throws {
        switch destination {
        case "stderr":
            handle = Mutex((FileHandle.standardError, Self.makeEncoder()))
            ownsHandle = false
        case "stdout":
            handle = Mutex((FileHandle.standardOutput, Self.makeEncoder()))
            ownsHandle = false
        default:
            if !FileManager.default.fileExists(atPath: destination) {
                guard FileManager.default.createFile(atPath: destination, contents: nil) else {
                    throw ConfigurationError(message: "config.destination: cannot create log file \(destination)")
                }
            }
            guard let file = FileHandle(forWritingAtPath: destination) else {
                throw ConfigurationError(message: "config.destination: cannot open \(destination) for writing")
            }
            _ = try? file.seekToEnd()
            handle = Mutex((file, Self.makeEncoder()))
            ownsHandle = true
        }
    }

    func write(_ record: [String: String]) {
        handle.withLock { state in
            guard let handle = state.handle, var line = try? state.encoder.encode(record) else { return }
            line.append(0x0A)
            try? handle.write(contentsOf: line)
        }
    }

    func close() {
        handle.withLock { state in
            if ownsHandle { try? state.handle?.close() }
            state.handle = nil
        }
    }

    private static func makeEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}

@_cdecl("manifold_library_entry")
public func manifoldLibraryEntry() -> UnsafeRawPointer? {
    PluginLibrary.entry(.middleware(LogPlugin.self))
}
