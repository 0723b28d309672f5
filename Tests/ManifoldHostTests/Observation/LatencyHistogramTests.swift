import Manifold
import ManifoldHost
import Testing

@Suite("Latency histogram")
struct LatencyHistogramTests {
    @Test("percentiles are within one bucket (19 %) above the true value, and never above the maximum")
    func percentiles() {
        var histogram = LatencyHistogram()
        for milliseconds in 1...100 { histogram.record(.milliseconds(milliseconds)) }
        #expect(histogram.count == 100)
        #expect(histogram.maximum == .milliseconds(100))
        for (percent, truth) in [(50.0, 50.0), (90, 90), (99, 99), (100, 100)] {
            let value = Double(histogram.percentile(percent).components.attoseconds) / 1e15
                + Double(histogram.percentile(percent).components.seconds) * 1000
            #expect(value >= truth && value <= truth * 1.19, "p\(percent) = \(value) ms, truth \(truth) ms")
        }
        #expect(histogram.percentile(100) == .milliseconds(100), "capped at the maximum")
    }

    @Test("an empty histogram answers zero; tiny and huge durations land in the end buckets")
    func edges() {
        #expect(LatencyHistogram().percentile(50) == .zero)
        var histogram = LatencyHistogram()
        histogram.record(.nanoseconds(3))
        #expect(histogram.percentile(50) == .nanoseconds(3))
        histogram.record(.seconds(86_400))
        #expect(histogram.percentile(100) == .seconds(86_400))
    }

    @Test("the node latency observer times each node's inputs from input-done events")
    func observer() {
        let observer = NodeLatencyObserver()
        let input = Artifact.text("x")
        observer.observe(.inputDone(node: "a", input: input, duration: .milliseconds(2), succeeded: true))
        observer.observe(.inputDone(node: "a", input: input, duration: .milliseconds(4), succeeded: false))
        observer.observe(.published(input, topic: try! Topic("t")))
        #expect(observer.latencies.keys.sorted() == ["a"])
        #expect(observer.latencies["a"]?.count == 2 && observer.latencies["a"]?.maximum == .milliseconds(4))
    }
}
