import ManifoldJSON

/// The config of a `tools` node, decoded from its `config` JSON.
///
/// Every tool is code the model may run at any time with any arguments it likes.
///
/// ```json
/// {"libraryPaths": ["/opt/tools/lib"],
///  "tools": [{"name": "pow", "description": "x raised to the power y",
///             "library": "libm.so.6", "symbol": "pow", "signature": "double(double x, double y)"}]}
/// ```
public struct ToolsConfiguration: Decodable, Sendable {
    /// The tools, each a C function in a shared library.
    public var tools: [ToolSpec]
    /// Folders searched first for a library given by bare or relative name.
    public var libraryPaths: [String]?
    /// OS threads of the node's own that run its C calls (`ForeignCallPool`); 4 when absent.
    public var threads: Int?
    /// Calls that may wait for a free thread; one more is answered with an error result. 64
    /// when absent.
    public var maxQueuedCalls: Int?
    /// Load tool libraries even when someone other than root and the user could replace them
    /// (the file, or a folder on the way to it, writable by others). False when absent.
    public var allowInsecureLibraries: Bool?

    /// The values `threads` may take.
    public static let threadRange = 1...64
    /// The values `maxQueuedCalls` may take.
    public static let queueRange = 0...100_000

    /// Creates a configuration.
    public init(
        tools: [ToolSpec], libraryPaths: [String]? = nil, threads: Int? = nil, maxQueuedCalls: Int? = nil,
        allowInsecureLibraries: Bool? = nil
    ) {
        self.allowInsecureLibraries = allowInsecureLibraries
        self.tools = tools
        self.libraryPaths = libraryPaths
        self.threads = threads
        self.maxQueuedCalls = maxQueuedCalls
    }
}

/// One tool: which C function to call and how the model sees it.
public struct ToolSpec: Decodable, Sendable, Hashable {
    /// The name the model calls it by (`[A-Za-z0-9_-]`, at most 64 characters).
    public var name: String
    /// What it does; the model reads this. Defaults to the C signature.
    public var description: String?
    /// The library: an absolute path, a name the dynamic loader finds (`libm.so.6`), or a
    /// file in one of `libraryPaths` or beside the running executable.
    public var library: String
    /// The exported C symbol.
    public var symbol: String
    /// The C signature with parameter names, e.g. `double(double x, double y)`.
    public var signature: String
    /// The JSON Schema offered to the model; the signature's `argumentsSchema` when absent.
    public var parameters: JSONValue?
    /// Must be true for a symbol on the list of `DangerousSymbols`: the model may run a tool
    /// at any time with any arguments, so that power has to be granted tool by tool.
    public var unsafe: Bool?
    /// The SHA-256 the library file must have (64 hex digits); a different file is refused
    /// before it is loaded.
    public var sha256: String?

    /// Creates a tool description.
    public init(
        name: String, description: String? = nil, library: String, symbol: String, signature: String,
        parameters: JSONValue? = nil, unsafe: Bool? = nil, sha256: String? = nil
    ) {
        self.sha256 = sha256
        self.name = name
        self.description = description
        self.library = library
        self.symbol = symbol
        self.signature = signature
        self.parameters = parameters
        self.unsafe = unsafe
    }
}
