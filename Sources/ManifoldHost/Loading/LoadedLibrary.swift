import CManifoldABI
import CManifoldLoading
import Foundation
import ManifoldNativeBridge
import Synchronization

/// A plugin library opened and initialised, with the descriptors its factory lists.
///
/// The library stays loaded for the life of the process (`RTLD_NODELETE`): a Swift plugin's
/// runtime metadata must never be unmapped. One file is one `LoadedLibrary` per process,
/// however many loaders open it (glibc maps it once, so its `init` must run once);
/// `finish()` calls its `deinit`, after which a later load initialises it again.
public final class LoadedLibrary: @unchecked Sendable {
    /// Every library open in this process, by file identity (device and inode).
    private static let registry = Mutex<[FileIdentity: LoadedLibrary]>([:])

    private struct FileIdentity: Hashable {
        let device: UInt64
        let inode: UInt64
    }

    /// The library's path as resolved.
    public let path: String
    /// SHA-256 of the file that was loaded, lowercase hex.
    public let sha256: String
    /// The ABI it was built against.
    public let abi: ABIVersion
    /// Its plugins, in factory order, each with the C descriptor behind it.
    public let plugins: [PluginDescriptor]
    /// The C descriptor of each of `plugins`, in the same order.
    package let vtables: [UnsafePointer<manifold_plugin>]
    private let entry: manifold_library
    private let identity: FileIdentity
    private let finished = Mutex(false)

    private init(path: String, sha256: String, abi: ABIVersion, entry: manifold_library, identity: FileIdentity,
                 plugins: [PluginDescriptor], vtables: [UnsafePointer<manifold_plugin>])
    {
        self.path = path
        self.sha256 = sha256
        self.abi = abi
        self.entry = entry
        self.identity = identity
        self.plugins = plugins
        self.vtables = vtables
    }

    /// The descriptor and C vtable of the plugin called `name`.
    func plugin(named name: String) -> (PluginDescriptor, UnsafePointer<manifold_plugin>)? {
        guard let index = plugins.firstIndex(where: { $0.name == name }) else { return nil }
        return (plugins[index], vtables[index])
    }

    /// Calls the library's `deinit`, once; after every instance of its plugins was destroyed.
    public func finish() {
        let first = finished.withLock { done in
            defer { done = true }
            return !done
        }
        guard first else { return }
        Self.registry.withLock { registry in
            if registry[identity] === self { registry[identity] = nil }
        }
        entry.deinit?()
    }

    /// How many plugin libraries are open in this process now.
    public static var openCount: Int { registry.withLock { $0.count } }

    /// Finishes every library open in this process: call it once no instance is left, as
    /// the process ends.
    public static func finishAll() {
        for library in registry.withLock({ Array($0.values) }) { library.finish() }
    }

    /// Opens a library and reads its entry and factory, checking everything that can be
    /// checked without a manifest: existence, permissions, ELF header, pin, symbol, ABI,
    /// struct sizes, every descriptor.
    ///
    /// The file is opened once; its hash is compared with `pin` before `dlopen`, and
    /// `dlopen` loads that same open file, so no code of a library that fails the pin runs.
    ///
    /// - Parameter compilingSchemas: `false` reads each descriptor's config schema as text
    ///   without compiling it, so a library whose schema the host refuses still opens; for
    ///   `manifold check-plugin`, which reports that schema in a check of its own
    ///   (`PluginDescriptor.checkConfigSchema`). One file is opened once per process, so a
    ///   process that opens a library this way must not also run it in a graph.
    /// - Parameter probes: a library this registry blacklists (unchanged since it crashed, hung
    ///   or exited in a child process) is refused before it is loaded.
    /// - Parameter probing: a library with a manifest that `probes` does not know is first
    ///   loaded in a child process by it, and refused when that went wrong.
    package static func open(
        path: String, pin: String?, manifest: String?, allowInsecurePermissions: Bool, compilingSchemas: Bool = true,
        probes: PluginRegistry? = nil, probing: (any LibraryProbing)? = nil
    ) throws -> LoadedLibrary {
        try LibraryFile.checkExists(path)
        // Once every folder on the way is trusted, the resolved path cannot be swapped by
        // anyone else between this check and the open below.
        let trusted = allowInsecurePermissions ? path : try LibraryFile.checkPermissions(path)
        try LibraryFile.checkELF(trusted)
        let (descriptor, digest) = try LibraryFile.openPinned(trusted, pin: pin, manifest: manifest)
        if let entry = probes?.entry(forLibrary: path, sha256: digest), let reason = entry.blacklistReason {
            close(descriptor)
            throw PluginLoadError.blacklisted(path, reason: reason, probed: entry.probed)
        }
        if let probing, let manifest, probes?.entry(forLibrary: path, sha256: digest) == nil,
            let reason = probing.probe(library: path, sha256: digest, manifest: manifest)
        {
            close(descriptor)
            throw PluginLoadError.blacklisted(path, reason: reason, probed: ISO8601DateFormatter().string(from: Date()))
        }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            close(descriptor)
            throw PluginLoadError(file: path, kind: .fileMissing, problem: "plugin library cannot be read", fix: "check the file")
        }
        let identity = FileIdentity(device: UInt64(status.st_dev), inode: UInt64(status.st_ino))
        if let open = registry.withLock({ $0[identity] }) {
            close(descriptor)
            return open
        }
        // The descriptor stays open for the life of the process, like the library itself:
        // glibc recognises an already loaded object by the name passed to dlopen first, so
        // a closed and reused `/proc/self/fd/N` would hand back the library loaded before.
        _ = dlerror()
        guard let handle = dlopen("/proc/self/fd/\(descriptor)", manifold_plugin_dlopen_flags()) else {
            close(descriptor)
            let reason = (dlerror().map { String(cString: $0) } ?? "unknown dlopen error")
                .replacingOccurrences(of: "/proc/self/fd/\(descriptor)", with: path)
            throw openError(path: path, reason: reason)
        }
        guard let symbol = dlsym(handle, MANIFOLD_LIBRARY_ENTRY_SYMBOL) else {
            if dlsym(handle, "manifold_plugin_entry") != nil {
                throw PluginLoadError(
                    file: path, kind: .abiMajorMismatch,
                    problem: "plugin built against ABI 1.x (it exports manifold_plugin_entry), this host speaks ABI \(ABIVersion.host.major).x",
                    fix: "rebuild the plugin against this host's manifold_plugin.h: export manifold_library_entry (see docs/abi.md)")
            }
            throw PluginLoadError(
                file: path, kind: .missingEntrySymbol,
                problem: "not a Manifold plugin: it does not export \(MANIFOLD_LIBRARY_ENTRY_SYMBOL)",
                fix: "export `const manifold_library *manifold_library_entry(void)` (C: MANIFOLD_EXPORT; Swift: "
                    + "`@_cdecl(\"manifold_library_entry\") public func …`, which must be public)")
        }
        let entryFunction = unsafeBitCast(symbol, to: (@convention(c) () -> UnsafePointer<manifold_library>?).self)
        guard let entryPointer = entryFunction() else {
            throw PluginLoadError(
                file: path, kind: .entryRefused, problem: "manifold_library_entry returned NULL",
                fix: "return a pointer to a static manifold_library from manifold_library_entry")
        }
        let entry = try readEntry(entryPointer, path: path)
        let abi = ABIVersion(entry.abi_version)
        if let initialise = entry.`init` {
            let accepted = path.withCString { initialise($0) }
            guard accepted else {
                throw PluginLoadError(
                    file: path, kind: .libraryInitFailed, problem: "the library's init refused to start",
                    fix: "see the plugin's own log lines above; it may miss a resource it needs")
            }
        }
        do {
            let (plugins, vtables) = try readFactory(entry, abi: abi, path: path, compilingSchemas: compilingSchemas)
            let library = LoadedLibrary(
                path: path, sha256: digest, abi: abi, entry: entry, identity: identity, plugins: plugins, vtables: vtables)
            registry.withLock { $0[identity] = library }
            return library
        } catch {
            entry.deinit?()
            throw error
        }
    }

    /// Reads the entry: version first, then size, then the rest within the size it declares.
    private static func readEntry(_ pointer: UnsafePointer<manifold_library>, path: String) throws -> manifold_library {
        let abi = ABIVersion(pointer.pointee.abi_version)
        let host = ABIVersion.host
        guard abi.major == host.major else {
            throw PluginLoadError(
                file: path, kind: .abiMajorMismatch,
                problem: "plugin built against ABI \(abi), this host speaks ABI \(host.major).x",
                fix: abi.major < host.major
                    ? "rebuild the plugin against this host's manifold_plugin.h"
                    : "upgrade the host to one that supports ABI \(abi.major).x, or rebuild the plugin against ABI \(host)")
        }
        guard manifold_version_is_compatible(pointer.pointee.abi_version) else {
            throw PluginLoadError(
                file: path, kind: .abiTooNew,
                problem: "plugin built against ABI \(abi), this host supports up to \(host)",
                fix: "rebuild the plugin against this host's header or upgrade the host")
        }
        let size = Int(pointer.pointee.struct_size)
        let minimum = StructPrefix.size(through: \manifold_library.get_factory)
        guard size >= minimum else {
            throw PluginLoadError(
                file: path, kind: .structTooSmall,
                problem: "manifold_library struct_size is \(size) bytes, ABI \(abi) needs at least \(minimum)",
                fix: "set struct_size = sizeof(manifold_library) and rebuild against manifold_plugin.h")
        }
        return StructPrefix.read(pointer, declaredSize: size)
    }

    private static func readFactory(_ entry: manifold_library, abi: ABIVersion, path: String, compilingSchemas: Bool) throws
        -> ([PluginDescriptor], [UnsafePointer<manifold_plugin>])
    {
        func malformed(_ problem: String) -> PluginLoadError {
            PluginLoadError(
                file: path, kind: .malformedDescriptor, problem: problem,
                fix: "answer get_factory(MANIFOLD_PLUGIN_FACTORY_ID) with a static manifold_plugin_factory (see manifold/factory.h)")
        }
        guard let getFactory = entry.get_factory,
            let raw = MANIFOLD_PLUGIN_FACTORY_ID.withCString({ getFactory($0) })
        else { throw malformed("the library offers no plugin factory") }
        let pointer = raw.assumingMemoryBound(to: manifold_plugin_factory.self)
        let size = Int(pointer.pointee.struct_size)
        guard size >= StructPrefix.size(through: \manifold_plugin_factory.plugin_at) else {
            throw malformed("the plugin factory's struct_size \(size) is too small")
        }
        let factory = StructPrefix.read(pointer, declaredSize: size)
        guard let count = factory.plugin_count?(pointer), let pluginAt = factory.plugin_at else {
            throw malformed("the plugin factory lacks plugin_count or plugin_at")
        }
        guard count > 0 else { throw malformed("the plugin factory lists no plugins") }
        guard count <= MANIFOLD_MAX_PLUGINS_PER_LIBRARY else {
            throw malformed("the plugin factory lists \(count) plugins; at most \(MANIFOLD_MAX_PLUGINS_PER_LIBRARY) are allowed")
        }
        var plugins: [PluginDescriptor] = []
        var vtables: [UnsafePointer<manifold_plugin>] = []
        for index in 0..<count {
            guard let vtable = pluginAt(pointer, index) else { throw malformed("the plugin factory has no plugin at \(index)") }
            let descriptor = try PluginDescriptor(
                reading: vtable, abi: abi, file: path, index: Int(index), compilingSchema: compilingSchemas)
            if plugins.contains(where: { $0.name == descriptor.name }) {
                throw malformed("the plugin factory lists two plugins named '\(descriptor.name)'")
            }
            plugins.append(descriptor)
            vtables.append(vtable)
        }
        return (plugins, vtables)
    }

    private static func openError(path: String, reason: String) -> PluginLoadError {
        // glibc words a missing dependency as "<plugin>: <dependency>: cannot open shared object file".
        let parts = reason.components(separatedBy: ": ")
        if reason.contains("cannot open shared object file"), parts.count >= 3, let dependency = parts.dropFirst().first,
            !path.hasSuffix(dependency)
        {
            return PluginLoadError(
                file: path, kind: .missingDependency,
                problem: "opening the plugin failed: it needs \(dependency), which the loader cannot find (\(reason))",
                fix: "install \(dependency) or add its folder to LD_LIBRARY_PATH; `ldd \(path)` lists what is missing")
        }
        return PluginLoadError(
            file: path, kind: .openFailed, problem: "opening the plugin failed: \(reason)",
            fix: "check that it is a shared library built for this system with the same Swift toolchain as the host")
    }
}
