import Manifold
import ManifoldJSON
import ManifoldPluginKit

/// `echo`: sends each text input back, optionally decorated and split into a stream of
/// pieces (one output per word or line), the way a token stream arrives from a model.
struct EchoPlugin: SynchronousGeneratorPlugin {
    struct Configuration: Decodable, Sendable {
        /// Put before the text.
        var prefix: String?
        /// Put after the text.
        var suffix: String?
        /// How to split the text into outputs: "none" (one output), "words" or "lines".
        var split: Split?
        /// How many times to send each input (or each piece).
        var `repeat`: Int?
        /// The type of the outputs.
        var outputType: String?
    }

    enum Split: String, Decodable, Sendable {
        case none, words, lines
    }

    static let info = PluginInfo(
        name: "echo", version: "1.0.0", summary: "Sends text back, optionally split into a stream of pieces.",
        ports: PortTypes(inputs: ["text/*", .chatMessage], outputs: ["text/*"]),
        configSchema: [
            "type": "object",
            "additionalProperties": false,
            "properties": [
                "prefix": ["type": "string"],
                "suffix": ["type": "string"],
                "split": ["enum": ["none", "words", "lines"]],
                "repeat": ["type": "integer", "minimum": 1, "maximum": 10000],
                "outputType": ["type": "string", "pattern": "^text/[A-Za-z0-9.+-]+$"],
            ],
        ],
        allowsConcurrentProcessing: true)

    let configuration: Configuration
    let outputType: ArtifactType

    init(configuration: Configuration, host: PluginHost) throws {
        self.configuration = configuration
        self.outputType = try ArtifactType(parsing: configuration.outputType ?? "text/plain")
    }

    func process(_ input: Artifact, emit: (Artifact) throws -> Void) throws {
        var text = input.text
        if let prefix = configuration.prefix { text = prefix + text }
        if let suffix = configuration.suffix { text += suffix }
        let pieces: [Substring]
        switch configuration.split ?? .none {
        case .none: pieces = [text[...]]
        case .words: pieces = text.split(separator: " ", omittingEmptySubsequences: true)
        case .lines: pieces = text.split(separator: "\n", omittingEmptySubsequences: false)
        }
        // One dictionary for every piece, its `echo.piece` entry rewritten in place.
        var metadata = input.metadata
        for _ in 0..<(configuration.repeat ?? 1) {
            for (index, piece) in pieces.enumerated() {
                metadata["echo.piece"] = String(index)
                try emit(.text(String(piece), type: outputType, metadata: metadata))
            }
        }
    }
}

@_cdecl("manifold_library_entry")
public func manifoldLibraryEntry() -> UnsafeRawPointer? {
    PluginLibrary.entry(.generator(EchoPlugin.self))
}
