import Foundation

/// `loads`: the library opens and describes itself as the host requires — steps 1 to 4 of
/// docs/abi.md (trust, ELF header, pin, `dlopen`, entry, ABI, `init`, factory, every
/// descriptor, config schemas the host can apply) and a manifest the host can read.
enum LoadsCheck {
    static func run(_ context: CheckContext) -> CheckResult {
        let load = context.load
        guard let library = load.library else {
            return CheckResult(.loads, .fail, load.refusals.first ?? load.unavailable ?? "the library did not open")
        }
        if !load.refusals.isEmpty {
            return CheckResult(.loads, .fail, "the host refuses it: " + load.refusals.joined(separator: "; "))
        }
        let names = library.plugins.map(\.name)
        let plugins = names.count == 1 ? "1 plugin (\(names[0]))" : "\(names.count) plugins (\(names.joined(separator: ", ")))"
        let manifest = load.manifestFile.map { "; manifest \(($0 as NSString).lastPathComponent)" } ?? "; no manifest names it"
        return CheckResult(
            .loads, .pass, "opened \((library.path as NSString).lastPathComponent) (ABI \(library.abi)): \(plugins)\(manifest)")
    }
}
