extension Streamer {
    /// The generator, when this node hands it queued inputs in batches: it is a
    /// `PipeliningGenerator` and nothing about the node needs one input at a time (see there).
    var pipeliningGenerator: (any PipeliningGenerator)? {
        guard options.concurrency == 1, chain.middleware.isEmpty, options.inputTimeout == nil,
            let generator = chain.generator as? any PipeliningGenerator, generator.pipelineLimit > 1
        else { return nil }
        return generator
    }

    /// Runs a batch of queued inputs through a pipelining generator, counting and reporting
    /// each as it ends, exactly as `handle` would one after another.
    ///
    /// - Parameter unstarted: set, when this throws, to the inputs of the batch that were never
    ///   begun (the node stopped before them); the input that was running is not among them.
    func handlePipelined(
        _ inputs: [Artifact], by generator: any PipeliningGenerator, holdingOutputsIn held: HeldOutputs,
        unstarted: inout [Artifact]
    ) async throws {
        let batch = inputs.map { PipelinedInput(artifact: $0, context: makeContext(for: $0, held: held, deadline: nil)) }
        let observers = hub.router.observers
        // An input's time runs from when the one before it ended: it waited in the worker until then.
        var started = ContinuousClock.now
        var ended = 0
        var begun = 1
        if observers.isActive { observers.emit(.inputBegan(node: name, input: inputs[0])) }
        inputsInProgressCount.add(1, ordering: .relaxed)
        defer { inputsInProgressCount.subtract(1, ordering: .relaxed) }
        do {
            try await generator.process(batch) { index, failure in
                precondition(index == ended, "a pipelining generator reported input \(index) of a batch when input \(ended) was next")
                if let failure {
                    try await recordFailure(failure, of: inputs[index], startedAt: started, reportingWith: held)
                } else {
                    recordSuccess(of: inputs[index], startedAt: started, reportingWith: held)
                }
                ended = index + 1
                started = .now
                if ended < inputs.count {
                    begun = ended + 1
                    if observers.isActive { observers.emit(.inputBegan(node: name, input: inputs[ended])) }
                }
            }
        } catch {
            if begun < inputs.count { unstarted = Array(inputs[begun...]) }
            throw error
        }
        // A generator that returned without reporting some inputs failed them: say so for each.
        while ended < inputs.count {
            let failure = PipelineLeftInput(node: name, position: ended + 1, batchSize: inputs.count)
            try await recordFailure(failure, of: inputs[ended], startedAt: started)
            ended += 1
        }
    }
}

/// A pipelining generator returned from a batch without reporting one of its inputs.
struct PipelineLeftInput: Error, CustomStringConvertible {
    let node: String
    let position: Int
    let batchSize: Int

    var description: String {
        "node '\(node)': its generator returned without finishing input \(position) of a batch of \(batchSize) (a bug in the generator)"
    }
}
