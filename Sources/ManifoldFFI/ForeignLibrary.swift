#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// A shared library opened with `dlopen(path, RTLD_NOW | RTLD_LOCAL)`.
///
/// Libraries are opened once per path string and cached for the life of the process; they
/// are never closed, so every function bound from one stays valid. `RTLD_NOW` makes a
/// library with unresolvable dependencies fail here rather than at a later call;
/// `RTLD_LOCAL` keeps its symbols from satisfying other libraries' lookups.
///
/// Thread-safe: opening, looking up symbols and binding may happen from any thread.
public final class ForeignLibrary: Sendable, CustomStringConvertible {
    /// The path or loader name the library was opened with, e.g. `libm.so.6`.
    public let path: String

    /// The `dlopen` handle. Never closed, and `dlsym` on it is thread-safe.
    private nonisolated(unsafe) let handle: UnsafeMutableRawPointer

    private init(path: String, handle: UnsafeMutableRawPointer) {
        self.path = path
        self.handle = handle
    }

    /// The library as shown in messages: its path.
    public var description: String { path }

    /// Opens the library at `path` (an absolute path, or a name the dynamic loader searches
    /// for), or returns the instance already opened for the same string.
    ///
    /// A failed open is not cached, so a library installed later can still be opened.
    /// - Throws: `ForeignCallError.libraryUnavailable` with the loader's message.
    public static func open(_ path: String) throws(ForeignCallError) -> ForeignLibrary {
        guard !path.isEmpty else {
            throw .libraryUnavailable(library: path, loaderMessage: "the library path is empty")
        }
        let result: Result<ForeignLibrary, ForeignCallError> = cache.withLock { libraries in
            if let library = libraries[path] { return .success(library) }
            // dlerror() is per thread; clear any stale message before opening.
            _ = dlerror()
            guard let handle = dlopen(path, RTLD_NOW | RTLD_LOCAL) else {
                return .failure(.libraryUnavailable(library: path, loaderMessage: loaderError() ?? "unknown dlopen error"))
            }
            let library = ForeignLibrary(path: path, handle: handle)
            libraries[path] = library
            return .success(library)
        }
        return try result.get()
    }

    /// Opens the library file already open as `descriptor` (the file whose digest the caller
    /// checked) through `/proc/self/fd/N`, so the bytes loaded are the bytes checked; `path`
    /// names it in messages and in the cache. The descriptor must stay open for the life of
    /// the process: glibc recognises a loaded object by the name given to `dlopen`, so a
    /// reused `/proc/self/fd/N` would hand back an earlier library.
    ///
    /// - Throws: `ForeignCallError.libraryUnavailable` with the loader's message.
    public static func open(descriptor: Int32, path: String) throws(ForeignCallError) -> ForeignLibrary {
        let result: Result<ForeignLibrary, ForeignCallError> = cache.withLock { libraries in
            if let library = libraries[path] { return .success(library) }
            _ = dlerror()
            guard let handle = dlopen("/proc/self/fd/\(descriptor)", RTLD_NOW | RTLD_LOCAL) else {
                let message = (loaderError() ?? "unknown dlopen error").replacing("/proc/self/fd/\(descriptor)", with: path)
                return .failure(.libraryUnavailable(library: path, loaderMessage: message))
            }
            let library = ForeignLibrary(path: path, handle: handle)
            libraries[path] = library
            return .success(library)
        }
        return try result.get()
    }

    /// Looks up the address of `symbol`.
    ///
    /// - Throws: `ForeignCallError.symbolNotFound` with the loader's message, also when the
    ///   symbol exists but its address is NULL (nothing could be called there).
    public func address(of symbol: String) throws(ForeignCallError) -> UnsafeMutableRawPointer {
        guard !symbol.isEmpty else {
            throw .symbolNotFound(symbol: symbol, library: path, loaderMessage: "the symbol name is empty")
        }
        _ = dlerror()
        guard let address = dlsym(handle, symbol) else {
            let message = Self.loaderError() ?? "the symbol's address is NULL"
            throw .symbolNotFound(symbol: symbol, library: path, loaderMessage: message)
        }
        return address
    }

    /// Binds `symbol` as a callable function with `signature`.
    ///
    /// - Parameter name: the tool name used in error messages; defaults to `symbol`.
    /// - Throws: `ForeignCallError.symbolNotFound` or `.preparationFailed`.
    public func function(
        symbol: String, signature: CSignature, name: String? = nil
    ) throws(ForeignCallError) -> ForeignFunction {
        let address = try address(of: symbol)
        return try ForeignFunction(
            library: self, symbol: symbol, address: address, signature: signature, name: name ?? symbol
        )
    }

    /// The current thread's `dlerror()` text, if any.
    private static func loaderError() -> String? {
        guard let message = dlerror() else { return nil }
        return String(cString: message)
    }

    /// Opened libraries by the exact path string they were opened with.
    private static let cache = Mutex<[String: ForeignLibrary]>([:])
}
