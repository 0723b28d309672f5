import Foundation
import ManifoldTrust
import Testing

/// The ssh rule for files that decide what code runs: the file and every folder up to the
/// root owned by root or the user, writable by no one else (sticky folders excepted),
/// symlinks followed hop by hop.
@Suite("File trust")
struct FileTrustTests {
    /// A private folder (0700) in the temporary folder, with a file `lib.so` (0644) in it.
    private static func privateFile() throws -> (folder: String, file: String) {
        let folder = NSTemporaryDirectory() + "manifold-trust-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        let file = folder + "/lib.so"
        try Data("x".utf8).write(to: URL(fileURLWithPath: file))
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: file)
        return (folder, file)
    }

    private static func chmod(_ path: String, _ mode: Int) throws {
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
    }

    private static func refusal(_ path: String) -> UntrustedFile? {
        do {
            _ = try FileTrust.check(path, role: "plugin library")
            return nil
        } catch {
            return error
        }
    }

    @Test func aFileOnlyTheUserCanChangeIsTrusted() throws {
        let (_, file) = try Self.privateFile()
        #expect(try FileTrust.check(file, role: "plugin library") == file)
    }

    @Test func aFolderAnyoneCanWriteAnywhereAboveRefusesTheFile() throws {
        let (folder, _) = try Self.privateFile()
        let nested = folder + "/a/b"
        try FileManager.default.createDirectory(atPath: nested, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        let file = nested + "/lib.so"
        try Data("x".utf8).write(to: URL(fileURLWithPath: file))
        try Self.chmod(folder + "/a", 0o777)
        let error = try #require(Self.refusal(file))
        #expect(error.offender == folder + "/a")
        #expect(error.reason.contains("writable by every user (mode 0777)"))
        #expect(error.fix.contains("chmod go-w \(folder)/a"))
        // Group-writable is refused too: a group is other people.
        try Self.chmod(folder + "/a", 0o775)
        #expect(Self.refusal(file)?.reason.contains("writable by its group") == true)
    }

    @Test func aStickyFolderLikeTmpMayBeWritableByAll() throws {
        let (folder, file) = try Self.privateFile()
        try Self.chmod(folder, 0o1777)
        #expect(Self.refusal(file) == nil)
    }

    @Test func aFileOthersCanWriteIsRefused() throws {
        let (_, file) = try Self.privateFile()
        try Self.chmod(file, 0o664)
        let error = try #require(Self.refusal(file))
        #expect(error.offender == file)
        #expect(error.description.contains("is a plugin library writable by its group (mode 0664)"))
    }

    @Test func aTrustedLinkIntoAFolderAnyoneCanWriteIsRefused() throws {
        let (trusted, _) = try Self.privateFile()
        let (exposed, target) = try Self.privateFile()
        try Self.chmod(exposed, 0o777)
        let link = trusted + "/link.so"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        let error = try #require(Self.refusal(link))
        #expect(error.offender == exposed)
        #expect(error.description.contains("on the way to \(link)"))
    }

    @Test func aLinkAnyoneCanRepointIsRefusedEvenToATrustedFile() throws {
        let (exposed, _) = try Self.privateFile()
        let (_, target) = try Self.privateFile()
        try Self.chmod(exposed, 0o777)
        let link = exposed + "/link.so"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        #expect(Self.refusal(link)?.offender == exposed)
    }

    @Test func linksAreResolvedToThePathToOpen() throws {
        let (folder, file) = try Self.privateFile()
        try FileManager.default.createDirectory(atPath: folder + "/sub", withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        try FileManager.default.createSymbolicLink(atPath: folder + "/sub/relative.so", withDestinationPath: "../lib.so")
        try FileManager.default.createSymbolicLink(atPath: folder + "/chain.so", withDestinationPath: folder + "/sub/relative.so")
        #expect(try FileTrust.check(folder + "/chain.so", role: "plugin library") == file)
        try FileManager.default.createSymbolicLink(atPath: folder + "/loop.so", withDestinationPath: folder + "/loop.so")
        #expect(Self.refusal(folder + "/loop.so")?.reason.contains("more than 40 symlinks") == true)
    }

    @Test(.enabled(if: geteuid() == 0, "changing a file's owner needs root"))
    func aFileOrFolderOwnedBySomeoneElseIsRefused() throws {
        let (folder, file) = try Self.privateFile()
        #expect(chown(file, 65534, 65534) == 0)
        let error = try #require(Self.refusal(file))
        #expect(error.reason.contains("owned by user 65534"))
        #expect(chown(file, 0, 0) == 0)
        #expect(chown(folder, 65534, 65534) == 0)
        #expect(Self.refusal(file)?.offender == folder)
    }

    @Test func aMissingFileIsLeftToWhoeverOpensIt() throws {
        let (folder, _) = try Self.privateFile()
        #expect(try FileTrust.check(folder + "/absent.so", role: "plugin library") == folder + "/absent.so")
    }
}
