import CManifoldABI
import Foundation
import Manifold
import ManifoldNativeBridge
import Testing

/// The cache of the last artifact's metadata and type must never hand back what an earlier
/// view held: every byte of the new view decides.
@Suite("Reading repeated metadata and types from C views")
struct RecentArtifactFieldsTests {
    /// Reads `artifact` the way the host reads a plugin's output: laid out as a C view, then
    /// adopted through `recent`.
    private func roundTrip(_ artifact: Artifact, through recent: RecentArtifactFields) throws -> Artifact {
        var read: Artifact?
        var failure: (any Error)?
        _ = artifact.withOutputView { view in
            do { read = try Artifact(adopting: view, recent: recent) } catch { failure = error }
            return MANIFOLD_OK
        }
        if let failure { throw failure }
        return try #require(read)
    }

    @Test("a view whose metadata differs from the last one in any byte, length or count is read afresh")
    func metadataChangesAreSeen() throws {
        let recent = RecentArtifactFields()
        let sequence: [[String: String]] = [
            ["piece": "0", "model": "small"],
            ["piece": "0", "model": "small"],
            ["piece": "1", "model": "small"],  // same lengths, one byte differs
            ["piece": "10", "model": "small"],  // a longer value
            ["piece": "10"],  // fewer entries
            [:],
            ["piec": "e10"],  // the same bytes split differently between key and value
            ["piece": "10", "model": "small", "extra": ""],
            ["piece": "10", "model": "small", "extra": ""],
        ]
        for metadata in sequence {
            let read = try roundTrip(.text("x", metadata: metadata), through: recent)
            #expect(read.metadata == metadata)
        }
    }

    @Test("a type that differs from the last one is parsed, and a malformed one is still refused")
    func typeChangesAreSeen() throws {
        let recent = RecentArtifactFields()
        let types: [ArtifactType] = [.plainText, .plainText, "text/markdown", "text/plain; charset=utf-8", .plainText, .json]
        for type in types {
            let read = try roundTrip(Artifact(type: type, payload: Data("x".utf8)), through: recent)
            #expect(read.type == type)
        }
        // A well-formed type cached, then a view with a malformed one: refused, not replaced.
        var view = manifold_artifact()
        view.struct_size = UInt32(MemoryLayout<manifold_artifact>.size)
        let status: Bool = "not a type".withManifoldStr { type in
            "id-1".withManifoldStr { id in
                view.type = type
                view.id = id
                return (try? Artifact(adopting: &view, recent: recent)) == nil
            }
        }
        #expect(status, "a malformed type was accepted")
    }

    @Test("large metadata is read every time and still read correctly")
    func largeMetadataIsNotKept() throws {
        let recent = RecentArtifactFields()
        let large = ["blob": String(repeating: "a", count: 10_000)]
        var changed = large
        changed["blob"]!.removeLast()
        changed["blob"]! += "b"
        #expect(try roundTrip(.text("x", metadata: large), through: recent).metadata == large)
        #expect(try roundTrip(.text("x", metadata: changed), through: recent).metadata == changed)
    }

    @Test("a view repeating a key is refused even right after a cached read of the same key")
    func duplicateKeysAreRefusedPastTheCache() throws {
        let recent = RecentArtifactFields()
        #expect(try roundTrip(.text("x", metadata: ["a": "1"]), through: recent).metadata == ["a": "1"])
        let refusal: String? = "a".withManifoldStr { key in
            "1".withManifoldStr { value in
                "text/plain".withManifoldStr { type in
                    "id-2".withManifoldStr { id in
                        var entries = [manifold_metadata_entry(key: key, value: value), manifold_metadata_entry(key: key, value: value)]
                        return entries.withUnsafeMutableBufferPointer { buffer in
                            var view = manifold_artifact()
                            view.struct_size = UInt32(MemoryLayout<manifold_artifact>.size)
                            view.id = id
                            view.type = type
                            view.metadata = UnsafePointer(buffer.baseAddress)
                            view.metadata_count = buffer.count
                            do {
                                _ = try Artifact(adopting: &view, recent: recent)
                                return nil
                            } catch {
                                return "\(error)"
                            }
                        }
                    }
                }
            }
        }
        #expect(refusal?.contains("'a' twice") == true, "refusal: \(refusal ?? "none")")
        #expect(try roundTrip(.text("x", metadata: ["a": "1"]), through: recent).metadata == ["a": "1"])
    }
}
