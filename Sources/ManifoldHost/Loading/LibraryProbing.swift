/// Loads a plugin library in a child process before this process loads it, so a library that
/// crashes, hangs or calls `exit` while loading costs the child and is blacklisted, instead of
/// taking this process down.
///
/// The loader asks only about libraries its `PluginRegistry` does not know (new or changed
/// since they were last probed): a known library is never probed again.
public protocol LibraryProbing: Sendable {
    /// Loads the library `library` (SHA-256 `sha256`), described by the plugin manifest
    /// `manifest`, in a child process, and records the outcome in the plugin registry.
    ///
    /// - Returns: why the library must not be loaded here (how the child ended, e.g. "crashed
    ///   while loading (signal 11, SIGSEGV)"); `nil` when it loaded cleanly, or failed in an
    ///   ordinary way that loading it here reports again.
    func probe(library: String, sha256: String, manifest: String) -> String?
}
