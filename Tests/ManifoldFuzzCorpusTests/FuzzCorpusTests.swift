import Foundation
import ManifoldFuzzTargets
import Testing

/// Runs every committed input of every fuzz target through it once: the seeds, so that a
/// change that breaks an invariant on ordinary input fails here, and the inputs that once
/// found a bug, so that it stays fixed. Long fuzzing runs are `scripts/fuzz`'s, not CI's.
@Suite("Fuzz corpora: every seed and regression input through its target")
struct FuzzCorpusTests {
    @Test("the target's corpus passes", arguments: FuzzTarget.allCases)
    func corpus(_ target: FuzzTarget) throws {
        let files = try CorpusFolders.files(of: target)
        #expect(!files.isEmpty, "Fuzz/Corpus/\(target.name) holds no seed")
        for file in files {
            let bytes = try [UInt8](Data(contentsOf: file))
            do throws(FuzzFailure) {
                try target.run(bytes)
            } catch {
                let folder = file.deletingLastPathComponent().deletingLastPathComponent().lastPathComponent
                Issue.record("Fuzz/\(folder)/\(target.name)/\(file.lastPathComponent): \(error)")
            }
        }
    }

    @Test("every corpus folder is a target's, so none is skipped")
    func foldersNameTargets() throws {
        let names = Set(FuzzTarget.allCases.map(\.name))
        for kind in CorpusFolders.kinds {
            for folder in try CorpusFolders.targetFolders(kind) {
                #expect(names.contains(folder), "Fuzz/\(kind)/\(folder) is not the folder of a fuzz target: rename it to one of \(names.sorted())")
            }
        }
    }
}
