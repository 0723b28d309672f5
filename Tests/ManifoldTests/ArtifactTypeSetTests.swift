import Foundation
import Manifold
import Testing

@Suite("ArtifactTypeSet")
struct ArtifactTypeSetTests {
    @Test("accepts when any member accepts")
    func accepts() {
        let set: ArtifactTypeSet = [parseType("text/*"), .json]
        #expect(set.accepts(parseType("text/markdown")))
        #expect(set.accepts(parseType("application/vnd.x+json")))
        #expect(!set.accepts(parseType("image/png")))
        #expect(!ArtifactTypeSet([]).accepts(.plainText))
        #expect(ArtifactTypeSet.any.accepts(parseType("image/png")))
    }

    @Test("intersects when some pair of members overlaps")
    func intersects() {
        let text: ArtifactTypeSet = [parseType("text/*")]
        #expect(text.intersects([.json, parseType("text/markdown")]))
        #expect(!text.intersects([.json, .chatMessage]))
        #expect(!text.intersects([]))
        #expect(!ArtifactTypeSet([]).intersects(.any))
        #expect(ArtifactTypeSet.any.intersects([.toolCall]))
    }

    @Test("intersection keeps the narrower type of each overlapping pair, without duplicates")
    func intersection() {
        let consumer: ArtifactTypeSet = [parseType("text/*"), .json, parseType("text/plain")]
        let producer: ArtifactTypeSet = [parseType("text/plain"), parseType("application/vnd.x+json"), .chatMessage]
        #expect(consumer.intersection(producer).types == [parseType("text/plain"), parseType("application/vnd.x+json")])
        #expect(producer.intersection(consumer).types == [parseType("text/plain"), parseType("application/vnd.x+json")])
        #expect(consumer.intersection([.toolCall]).isEmpty)
    }

    @Test("duplicates (also in different spellings) are removed, declaration order kept")
    func dedup() throws {
        let set = try ArtifactTypeSet(parsing: ["text/plain", "chat/message", "Text/Plain", "chat/message", "tool/call"])
        #expect(set.types == [.plainText, .chatMessage, .toolCall])
        #expect(set.description == "{text/plain, chat/message, tool/call}")
        #expect(Array(set) == set.types)
        #expect(ArtifactTypeSet([]).isEmpty && !set.isEmpty)
    }

    @Test("parsing a bad member throws the member's ArtifactTypeError")
    func parsingError() {
        let error = #expect(throws: ArtifactTypeError.self) { try ArtifactTypeSet(parsing: ["text/plain", "text/"]) }
        expectDescription(error, contains: #"artifact type "text/" is missing a subtype"#)
    }

    @Test("Codable round trip as an array of canonical strings")
    func codable() throws {
        let set: ArtifactTypeSet = [parseType("text/plain;charset=utf-8"), .chatMessage]
        let data = try JSONEncoder().encode(set)
        let strings = try JSONDecoder().decode([String].self, from: data)
        #expect(strings == ["text/plain;charset=utf-8", "chat/message"])
        #expect(try JSONDecoder().decode(ArtifactTypeSet.self, from: data) == set)
    }

    @Test("decoding a bad type string fails with a DecodingError naming the string and the problem")
    func decodingError() {
        let error = #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(ArtifactTypeSet.self, from: Data(#"["text/plain", "*/plain"]"#.utf8))
        }
        #expect(error?.debugDescriptionText.contains(#"artifact type "*/plain" has a wildcard type with a concrete subtype"#) == true)
        guard case .dataCorrupted(let context)? = error else {
            Issue.record("expected dataCorrupted, got \(String(describing: error))")
            return
        }
        #expect(context.codingPath.last?.intValue == 1)
    }
}
