/// Finds the name someone probably meant when they wrote an unknown one, for "did you mean"
/// hints on unknown keys, properties, kinds and keywords.
public enum NameSuggestion {
    /// The candidate closest to `name`, or `nil` when none is close enough to be a likely typo.
    ///
    /// A candidate that differs only in case, `_` or `-` always matches; otherwise the edit
    /// distance (insertions, deletions, substitutions and swaps of neighbours, ignoring case)
    /// must be at most a third of the name's length (at least 1, at most 3). Ties go to the
    /// earlier candidate.
    public static func closest(to name: String, among candidates: some Sequence<String>) -> String? {
        let normalized = normalize(name)
        let limit = max(1, min(3, name.count / 3))
        var best: (candidate: String, distance: Int)?
        for candidate in candidates where candidate != name {
            if normalize(candidate) == normalized { return candidate }
            let distance = editDistance(name.lowercased(), candidate.lowercased())
            if distance <= limit, distance < (best?.distance ?? .max) {
                best = (candidate, distance)
            }
        }
        return best?.candidate
    }

    /// The optimal-string-alignment distance between two strings, counted in characters: the
    /// fewest insertions, deletions, substitutions and swaps of adjacent characters that turn
    /// `a` into `b`.
    public static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previousPrevious = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    value = min(value, previousPrevious[j - 2] + 1)
                }
                current[j] = value
            }
            (previousPrevious, previous, current) = (previous, current, previousPrevious)
        }
        return previous[b.count]
    }

    private static func normalize(_ name: String) -> String {
        String(name.lowercased().filter { $0 != "_" && $0 != "-" })
    }
}
