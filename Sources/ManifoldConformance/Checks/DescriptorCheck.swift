import ManifoldHost

/// `descriptor-matches-manifest`: every field the manifest states agrees with the compiled
/// descriptor — the host's own cross-check (`ManifestCheck`), step 5 of docs/abi.md.
enum DescriptorCheck {
    static func run(_ context: CheckContext) -> CheckResult {
        let plugin: PluginUnderCheck
        switch context.plugin(for: .descriptorMatchesManifest) {
        case .failure(let end): return end.result
        case .success(let found): plugin = found
        }
        guard let manifest = plugin.manifest else {
            return CheckResult(
                .descriptorMatchesManifest, .skip,
                "no manifest describes '\(plugin.descriptor.name)' (checked from the library alone); "
                    + "`manifold inspect --manifest LIBRARY` writes one")
        }
        let differences = ManifestCheck.differences(descriptor: plugin.descriptor, against: manifest)
        guard differences.isEmpty else {
            return CheckResult(
                .descriptorMatchesManifest, .fail,
                "the library disagrees with its manifest in \(CheckLimits.describe(count: differences.count, "field")): " + differences.joined(separator: "; ")
                    + "; regenerate the manifest (`manifold inspect --manifest`) or rebuild the library")
        }
        var compared = ["name", "version", "kind", "ABI", "inputs", "outputs", "concurrent"]
        if manifest.description != nil { compared.append("description") }
        if manifest.extensions != nil { compared.append("extensions") }
        if manifest.configSchema != nil, plugin.descriptor.configSchema != nil { compared.append("config schema") }
        let unchecked = context.load.manifestSchemaProblems.isEmpty ? "" : " (the manifest's config schema is invalid and was not compared: see config-schema-valid)"
        return CheckResult(.descriptorMatchesManifest, .pass, compared.joined(separator: ", ") + " agree" + unchecked)
    }
}
