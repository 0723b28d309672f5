import Foundation

/// The resident set size of this process (pages in RAM), from `/proc/self/statm`.
enum ResidentMemory {
    /// Bytes resident now; `nil` when `/proc` cannot be read.
    static func bytes() -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return nil }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return nil }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}
