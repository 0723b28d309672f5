import Foundation

/// One file of a generated plugin package.
struct GeneratedFile {
    /// Relative to the package folder.
    let path: String
    let contents: String
    var executable = false
}

/// Writes a generated package into a folder that is new or empty, never over someone's files.
enum PluginPackageWriter {
    static func write(_ files: [GeneratedFile], into folder: String) throws {
        let manager = FileManager.default
        var isFolder: ObjCBool = false
        if manager.fileExists(atPath: folder, isDirectory: &isFolder) {
            guard isFolder.boolValue else {
                throw NewPluginError(message: "\(folder) is a file: choose another --directory")
            }
            let entries = (try? manager.contentsOfDirectory(atPath: folder)) ?? []
            guard entries.isEmpty else {
                throw NewPluginError(
                    message: "\(folder) already exists and is not empty (it holds \(entries.count) entries): "
                        + "choose another --directory or remove it; new-plugin never writes over files")
            }
        }
        do {
            for file in files {
                let path = (folder as NSString).appendingPathComponent(file.path)
                // Writable by the owner alone whatever the umask: the host refuses plugin files
                // and folders that others may change.
                try manager.createDirectory(
                    atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true,
                    attributes: [.posixPermissions: 0o755])
                try file.contents.write(toFile: path, atomically: true, encoding: .utf8)
                try manager.setAttributes([.posixPermissions: file.executable ? 0o755 : 0o644], ofItemAtPath: path)
            }
        } catch {
            throw NewPluginError(message: "cannot write the plugin package into \(folder): \(error.localizedDescription)")
        }
    }
}
