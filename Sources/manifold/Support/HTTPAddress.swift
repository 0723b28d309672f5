import ArgumentParser

/// An address to listen on, as `HOST:PORT` (`[::1]:PORT` for IPv6; port 0 for a free one).
struct HTTPAddress {
    var host: String
    var port: Int

    /// Reads `text`, given to `option` (`--http`, `--metrics`).
    init(_ text: String, option: String = "--http") throws {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65_535).contains(port) else {
            throw ValidationError("\(option) takes HOST:PORT (such as 127.0.0.1:8765, or port 0 for a free one), got '\(text)'")
        }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { throw ValidationError("\(option) needs a host before the port, such as 127.0.0.1:\(port)") }
        self.host = host
        self.port = port
    }
}
