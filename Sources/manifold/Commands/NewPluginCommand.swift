import ArgumentParser
import Foundation

/// `manifold new-plugin`: writes a plugin package that builds, tests and runs in one command.
struct NewPluginCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "new-plugin",
        abstract: "Write a new plugin package: sources, manifest, a test, a build script, an example graph and a README.",
        discussion: """
            The plugin is a generator that reverses text. `./build.sh` in the new folder builds it
            and puts the library beside its manifest in plugins/; `./build.sh test` also runs its
            tests and the example graph with the `manifold` on the PATH (or $MANIFOLD).

            A Swift plugin depends on the plugin SDK package (PluginSDK/ in the Manifold source
            checkout) by path: --sdk names that folder; by default it is the checkout this
            manifold was built in. A C plugin needs only the SDK's headers.

            Examples:
              manifold new-plugin reverse
              manifold new-plugin shout --lang c --directory plugins/shout
            """)

    /// The languages a plugin package can be written in.
    enum Language: String, ExpressibleByArgument, CaseIterable {
        case swift, c
    }

    @Argument(help: "The plugin's name: lowercase letters, digits and '-', starting with a letter.")
    var name: String

    @Option(help: "swift or c.")
    var lang: Language = .swift

    @Option(help: "The folder to write (default: ./NAME); it must not exist or be empty.")
    var directory: String?

    @Option(help: "The plugin SDK package folder (PluginSDK/ of a Manifold checkout).")
    var sdk: String?

    func run() throws {
        do {
            try NewPluginName.check(name)
            let sdkFolder = try PluginSDKLocation.resolve(sdk)
            let folder = directory ?? name
            let files = lang == .swift
                ? SwiftPluginTemplate(name: name, sdkFolder: sdkFolder).files
                : CPluginTemplate(name: name, includeFolder: PluginSDKLocation.includeFolder(in: sdkFolder)).files
            try PluginPackageWriter.write(files, into: folder)
            Terminal.output(
                """
                wrote a \(lang == .swift ? "Swift" : "C") plugin '\(name)' in \(folder)
                next: cd \(folder) && ./build.sh test

                """)
        } catch let error as NewPluginError {
            Terminal.error("error: \(error.message)")
            throw ExitCode(2)
        }
    }
}
