import CManifoldABI

extension manifold_str {
    /// The text, decoded as UTF-8 (invalid sequences replaced); "" for an empty or NULL string.
    public var string: String {
        guard let data, length > 0 else { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: data, count: length), as: UTF8.self)
    }
}

extension String {
    /// Calls `body` with the string as a `manifold_str` valid during the call.
    public func withManifoldStr<Result>(_ body: (manifold_str) throws -> Result) rethrows -> Result {
        var text = self
        return try text.withUTF8 { bytes in
            try bytes.withMemoryRebound(to: CChar.self) { chars in
                try body(manifold_str(data: chars.baseAddress, length: chars.count))
            }
        }
    }
}
