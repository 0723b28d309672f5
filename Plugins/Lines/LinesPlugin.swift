import Foundation
import Manifold
import ManifoldJSON
import ManifoldPluginKit

/// `lines`: a source that reads a text file (or a named pipe) and emits one `text/plain`
/// artifact per line, in order, with its line number in `lines.number`; the graph's
/// backpressure holds the reading when the nodes downstream are busy. It finishes at the end
/// of the file, or when the run stops.
struct LinesPlugin: SourcePlugin, SynchronousGeneratorPlugin {
    struct Configuration: Decodable, Sendable {
        /// The file to read.
        var path: String
        /// Skip empty lines.
        var skipEmpty: Bool?
    }

    static let info = PluginInfo(
        name: "lines", version: "1.0.0", summary: "A source: emits each line of a text file, in order.",
        ports: PortTypes(inputs: [], outputs: [.plainText]),
        configSchema: [
            "type": "object",
            "required": ["path"],
            "additionalProperties": false,
            "properties": [
                "path": ["type": "string", "minLength": 1],
                "skipEmpty": ["type": "boolean"],
            ],
            "examples": [["path": "/dev/stdin", "skipEmpty": true]],
        ])

    let path: String
    let skipEmpty: Bool

    init(configuration: Configuration, host: PluginHost) throws {
        path = configuration.path
        skipEmpty = configuration.skipEmpty ?? false
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), FileManager.default.isReadableFile(atPath: path)
        else { throw ConfigurationError(message: "config.path: cannot read \(path): it does not exist or is not readable") }
        guard !isFolder.boolValue else {
            throw ConfigurationError(message: "config.path: \(path) is a folder; name a text file or a named pipe")
        }
    }

    /// Takes no inputs: the graph never sends any (its inputs are empty).
    func process(_ input: Artifact, emit: (Artifact) throws -> Void) throws {
        throw ConfigurationError(message: "lines takes no inputs; it emits the lines of \(path)")
    }

    func produce(into sink: SourceSink) throws {
        guard let file = fopen(path, "r") else {
            throw ConfigurationError(message: "cannot open \(path): \(String(cString: strerror(errno)))")
        }
        defer { fclose(file) }
        var buffer: UnsafeMutablePointer<CChar>?
        var capacity = 0
        defer { free(buffer) }
        var number = 0
        while !sink.isStopped {
            let count = getline(&buffer, &capacity, file)
            guard count >= 0, let buffer else {
                // The end of the file, or a read error, which must not pass for the end.
                if ferror(file) != 0 {
                    throw ConfigurationError(message: "reading \(path) failed after line \(number): \(String(cString: strerror(errno)))")
                }
                break
            }
            number += 1
            var length = count
            if length > 0 && buffer[length - 1] == 10 { length -= 1 }
            if skipEmpty && length == 0 { continue }
            let payload = Data(bytes: buffer, count: length)
            do {
                try sink.emit(Artifact(type: .plainText, payload: payload, metadata: ["lines.number": "\(number)"]))
            } catch is CancellationError {
                return
            }
        }
    }
}

@_cdecl("manifold_library_entry")
public func manifoldLibraryEntry() -> UnsafeRawPointer? {
    PluginLibrary.entry(.generator(LinesPlugin.self))
}
