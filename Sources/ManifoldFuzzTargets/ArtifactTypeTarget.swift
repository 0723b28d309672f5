import Manifold

/// `ArtifactType(parsing:)` on any text (the bytes decoded as UTF-8, invalid sequences
/// repaired, as a manifest or a wire frame would hand it over).
///
/// Checks: an error names the text, a column inside it, the problem and what was expected; a
/// parsed type has lowercase token parts, writes out as text that parses back to the same
/// type, accepts and overlaps itself; and the text with a space in front (which the fast path
/// for plain `type/subtype` leaves to the general parser) parses to the same type, or fails
/// too — so the two parsers cannot disagree.
public func fuzzArtifactType(_ bytes: UnsafeRawBufferPointer) throws(FuzzFailure) {
    let text = String(decoding: bytes, as: UTF8.self)
    let parsed = try parse(text)
    let general = try parse(" " + text)
    switch (parsed, general) {
    case (.success(let type), .success(let other)):
        try require(type == other, "\(text.debugDescription) parses to \(type), with a space in front to \(other)")
        try check(type, from: text)
    case (.failure(let error), .failure):
        try requireMessage(error.problem, "ArtifactTypeError for \(text.debugDescription)")
        try requireMessage(error.expected, "ArtifactTypeError's expectation for \(text.debugDescription)")
        try require(error.text == text, "ArtifactTypeError names \(error.text.debugDescription), not \(text.debugDescription)")
        let columns = text.unicodeScalars.count + 1
        try require((1...columns).contains(error.column), "ArtifactTypeError at column \(error.column) of \(text.debugDescription)")
    case (.success(let type), .failure(let error)):
        throw FuzzFailure("\(text.debugDescription) parses to \(type), but not with a space in front: \(error)")
    case (.failure(let error), .success(let type)):
        throw FuzzFailure("\(text.debugDescription) fails (\(error)), but parses to \(type) with a space in front")
    }
}

/// The type `text` parses to, or the `ArtifactTypeError` it gives; any other error is a failure.
private func parse(_ text: String) throws(FuzzFailure) -> Result<ArtifactType, ArtifactTypeError> {
    do {
        return .success(try ArtifactType(parsing: text))
    } catch let error as ArtifactTypeError {
        return .failure(error)
    } catch {
        throw FuzzFailure("ArtifactType(parsing: \(text.debugDescription)) throws \(error), not an ArtifactTypeError")
    }
}

private func check(_ type: ArtifactType, from text: String) throws(FuzzFailure) {
    for part in [type.type, type.subtype] + Array(type.parameters.keys) {
        try require(!part.isEmpty && part == part.lowercased(), "\(text.debugDescription) gives the part \(part.debugDescription)")
    }
    try require(type.accepts(type) && type.overlaps(type), "\(type) does not accept or overlap itself")
    try require(type.withoutParameters.accepts(type), "\(type.withoutParameters) does not accept \(type)")
    if let suffix = type.suffix {
        try require(!suffix.isEmpty && type.subtype.hasSuffix("+" + suffix), "\(type) has the suffix \(suffix.debugDescription)")
    }
    _ = type.isText
    switch try parse(type.description) {
    case .failure(let error):
        throw FuzzFailure("\(text.debugDescription) writes out as \(type.description.debugDescription), which does not parse: \(error)")
    case .success(let again):
        try require(again == type, "\(text.debugDescription) writes out as \(type.description.debugDescription), which parses to \(again)")
    }
}
