import ManifoldJSON

/// What parsing one manifest file shares: the file's name, the order of keys as written,
/// and the errors found so far.
final class ManifestContext {
    /// The manifest file, as given.
    let file: String
    /// Keys of each object in the order written, by the object's JSON path; `nil` when the
    /// manifest came as a `JSONValue`, whose objects have no order.
    let keyOrder: [String: [String]]?
    private(set) var errors: [ManifestError] = []

    init(file: String, keyOrder: [String: [String]]? = nil) {
        self.file = file
        self.keyOrder = keyOrder
    }

    /// Records an error at `path`.
    func error(_ path: String, _ message: String, fix: String? = nil) {
        errors.append(ManifestError(file: file, jsonPath: path, message: message, fix: fix))
    }

    /// The keys of the object at `path` in the order written, or sorted when unknown.
    func orderedKeys(of members: JSONObject, at path: String) -> [String] {
        guard let written = keyOrder?[path] else { return members.sortedKeys }
        // Keys by code point: names that differ only by normalisation are both kept.
        var seen = Set<JSONKey>()
        let ordered = written.filter { members[$0] != nil && seen.insert(JSONKey($0)).inserted }
        return ordered.count == members.count ? ordered : members.sortedKeys
    }

    /// Throws every error collected, if there is any.
    func throwIfFailed() throws(ManifestErrors) {
        if !errors.isEmpty { throw ManifestErrors(errors) }
    }
}
