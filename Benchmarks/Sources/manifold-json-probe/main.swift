// ManifoldJSON's parser outside the benchmark harness: `manifold-json-probe [rounds]`.
// Parses two payloads the schema middleware sees (a half-KiB tool-call-like object, a 64 KiB
// array of records) with JSONParser (behind JSONValue(parsing:)) and, in the same rounds,
// with the baseline it replaced: JSONDecoder decoding a JSONValue through Codable.
// Prints the median µs per parse and the ratio parser ÷ JSONDecoder (below 1 is faster).
import Foundation
import ManifoldJSON

let rounds = CommandLine.arguments.dropFirst().first.flatMap { Int($0) } ?? 7

func record(_ index: Int) -> String {
    #"{"id": \#(index), "name": "item \#(index) café", "price": \#(Double(index) * 1.25), "tags": ["a", "b\n", "\u00e9"], "active": \#(index % 2 == 0), "ratio": null}"#
}

let turns = (0..<12).map { index in "\"turn \(index): a sentence of text\"" }
let small = #"{"tool": "weather", "arguments": {"city": "Oslo", "days": 3, "units": "metric", "include": ["wind", "rain", "temperature"]}, "context": {"user": "u-42", "locale": "nb-NO", "history": ["#
    + turns.joined(separator: ", ") + "]}}"
var large = "["
while large.utf8.count < 65_536 { large += (large.count > 1 ? ", " : "") + record(large.count) }
large += "]"

/// Median µs per call of `body`, over `rounds` rounds of `count` calls.
func micros(_ count: Int, _ body: () throws -> Void) rethrows -> Double {
    var figures: [Double] = []
    for _ in 0..<rounds {
        let start = ContinuousClock.now
        for _ in 0..<count { try body() }
        let elapsed = ContinuousClock.now - start
        figures.append((Double(elapsed.components.seconds) * 1e6 + Double(elapsed.components.attoseconds) / 1e12) / Double(count))
    }
    return figures.sorted()[figures.count / 2]
}

for (label, text, count) in [("small", small, 20_000), ("64 KiB", large, 300)] {
    let data = Data(text.utf8)
    let parsed = try JSONValue(parsing: data), decoded = try JSONDecoder().decode(JSONValue.self, from: data)
    precondition(parsed == decoded, "the parser and JSONDecoder disagree on the \(label) payload")
    let parser = try micros(count) { blackHole(try JSONValue(parsing: data)) }
    let decoder = try micros(count) { blackHole(try JSONDecoder().decode(JSONValue.self, from: data)) }
    print(String(format: "%-7@ (%6d B) JSONParser %9.2f µs | JSONDecoder %9.2f µs | ratio parser ÷ JSONDecoder %.2f",
        label as NSString, data.count, parser, decoder, parser / decoder))
}

@inline(never) func blackHole<T>(_ value: T) { withExtendedLifetime(value) {} }
