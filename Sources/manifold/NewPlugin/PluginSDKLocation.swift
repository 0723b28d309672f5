import Foundation

/// Where the plugin SDK package is: the folder a new plugin package depends on.
enum PluginSDKLocation {
    /// The absolute path of the SDK folder: `given` if set, else the `PluginSDK` of the source
    /// checkout this `manifold` was built in.
    static func resolve(_ given: String?) throws -> String {
        if let given {
            let absolute = URL(fileURLWithPath: given).standardizedFileURL.path
            guard FileManager.default.fileExists(atPath: absolute + "/Package.swift"),
                FileManager.default.fileExists(atPath: includeFolder(in: absolute) + "/manifold_plugin.h")
            else {
                throw NewPluginError(
                    message: "--sdk \(given): not the plugin SDK package (no Package.swift and "
                        + "Sources/CManifoldABI/include/manifold_plugin.h in \(absolute)); give the PluginSDK folder of a Manifold checkout")
            }
            return absolute
        }
        guard let found = checkoutSDK else {
            throw NewPluginError(
                message: "cannot find the plugin SDK: this manifold was not built in a Manifold source checkout; "
                    + "give --sdk with the PluginSDK folder of one")
        }
        return found
    }

    /// The folder holding `manifold_plugin.h` in an SDK folder.
    static func includeFolder(in sdk: String) -> String {
        sdk + "/Sources/CManifoldABI/include"
    }

    /// `PluginSDK` in the nearest folder above the running executable that holds one.
    private static var checkoutSDK: String? {
        guard let executable = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") else { return nil }
        var folder = (executable as NSString).deletingLastPathComponent
        while folder != "/" && !folder.isEmpty {
            let candidate = folder + "/PluginSDK"
            if FileManager.default.fileExists(atPath: candidate + "/Package.swift") { return candidate }
            folder = (folder as NSString).deletingLastPathComponent
        }
        return nil
    }
}
