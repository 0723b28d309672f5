import Benchmark
import Foundation

/// Short runs for CI: `MANIFOLD_BENCH_SMOKE=1 swift package benchmark`.
public let isSmoke = ProcessInfo.processInfo.environment["MANIFOLD_BENCH_SMOKE"].map { !$0.isEmpty && $0 != "0" } ?? false

/// Picks the full-run or the smoke-run size.
public func size(_ full: Int, smoke: Int) -> Int { isSmoke ? smoke : full }

/// One row of a benchmark's table: a figure a scenario measures each iteration.
public struct Figure: Sendable {
    public let name: String
    public let unit: String
    public let largerIsBetter: Bool

    /// A throughput, in thousands of artifacts per second.
    public static func kps(_ name: String) -> Figure { Figure(name: name, unit: "K artifacts/s", largerIsBetter: true) }
    /// A cost or a latency, in nanoseconds.
    public static func ns(_ name: String) -> Figure { Figure(name: name, unit: "ns", largerIsBetter: false) }
    /// Memory, in bytes.
    public static func bytes(_ name: String) -> Figure { Figure(name: name, unit: "bytes", largerIsBetter: false) }
    /// A wall time, in milliseconds.
    public static func ms(_ name: String) -> Figure { Figure(name: name, unit: "ms", largerIsBetter: false) }
    /// Memory, in KiB.
    public static func kib(_ name: String) -> Figure { Figure(name: name, unit: "KiB", largerIsBetter: false) }
    /// A ratio to a baseline measured in the same iteration, in percent (100 = equal).
    public static func ratio(_ name: String, largerIsBetter: Bool = true) -> Figure {
        Figure(name: name, unit: "%", largerIsBetter: largerIsBetter)
    }

    var metric: BenchmarkMetric {
        .custom("\(name) (\(unit))", polarity: largerIsBetter ? .prefersLarger : .prefersSmaller, useScalingFactor: false)
    }
}

/// Registers a benchmark whose every iteration runs a scenario *and its baselines* and
/// records one value per figure (ratios are computed within the iteration, so a noisy
/// neighbour slows both sides of a ratio alike). The table then shows each figure's spread
/// over iterations (p50, p99, …).
public func figures(
    _ title: String, _ figures: [Figure], iterations: Int = 10, smokeIterations: Int = 1,
    _ body: @escaping @Sendable () async throws -> [Double]
) {
    let metrics = figures.map(\.metric)
    let configuration = Benchmark.Configuration(
        metrics: metrics,
        units: Dictionary(uniqueKeysWithValues: metrics.map { ($0, BenchmarkUnits.count) }),
        warmupIterations: isSmoke ? 0 : 1,
        maxDuration: isSmoke ? .seconds(5) : .seconds(60),
        maxIterations: isSmoke ? smokeIterations : iterations)
    Benchmark(title, configuration: configuration) { benchmark in
        do {
            let values = try await body()
            precondition(values.count == metrics.count, "\(title): \(values.count) values for \(metrics.count) figures")
            for (metric, value) in zip(metrics, values) {
                benchmark.measurement(metric, value.isFinite ? Int(value.rounded()) : 0)
            }
        } catch {
            // ordo-one only prints a benchmark's error and still exits 0; a failed scenario
            // (lost artifacts, a plugin that no longer loads) must fail CI, so stop here.
            benchmark.error("\(title) failed: \(error)")
            FileHandle.standardError.write(Data("error: \(title) failed: \(error)\n".utf8))
            exit(1)
        }
    }
}

/// `part / whole` in percent.
public func percent(_ part: Double, of whole: Double) -> Double { whole == 0 ? 0 : part / whole * 100 }
