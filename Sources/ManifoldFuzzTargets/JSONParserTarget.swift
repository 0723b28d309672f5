import Foundation
import ManifoldJSON

/// `JSONParser` on any bytes: it returns a value or a `JSONParseError` that points inside the
/// text and says something; a value it returns writes out (compact and pretty) as text that
/// parses back to the same value.
public func fuzzJSONParser(_ bytes: UnsafeRawBufferPointer) throws(FuzzFailure) {
    switch outcome({ () throws(JSONParseError) in try JSONParser.parse(Data(bytes)) }) {
    case .failure(let error):
        try checkParseError(error, in: bytes)
    case .success(let value):
        for pretty in [false, true] {
            let text = value.serialized(pretty: pretty)
            let shown = String(decoding: text, as: UTF8.self)
            switch outcome({ () throws(JSONParseError) in try JSONParser.parse(text) }) {
            case .failure(let error):
                throw FuzzFailure("the value written\(pretty ? " pretty" : "") does not parse: \(error): \(shown)")
            case .success(let again):
                try require(again == value, "the value written\(pretty ? " pretty" : "") reads back different: \(shown)")
            }
        }
    }
}

/// A parse error points inside the text (line and column from 1, offset within it) and says something.
func checkParseError(_ error: JSONParseError, in bytes: UnsafeRawBufferPointer) throws(FuzzFailure) {
    try requireMessage(error.problem, "JSONParseError")
    try require(error.line >= 1 && error.column >= 1, "JSONParseError at line \(error.line), column \(error.column)")
    try require((0...bytes.count).contains(error.offset), "JSONParseError at offset \(error.offset) of \(bytes.count) bytes")
}
