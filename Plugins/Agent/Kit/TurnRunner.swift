import Foundation
import Manifold
import ManifoldLLM

/// Drives user turns: streams each model call, emits deltas, tool calls and answers, and
/// moves the conversation's state in the store.
///
/// A turn runs inside the `process` call of the input that made it runnable: the user's
/// message, the tool result that completed a round, or the tool catalog. When the model asks
/// for tools the runner emits the calls and returns; the last result resumes the turn.
struct TurnRunner: Sendable {
    let provider: any ChatProvider
    let settings: RequestSettings
    let store: ConversationStore
    let statistics: AgentStatistics

    /// Runs `first` and then every user turn that queued up behind it in its conversation.
    ///
    /// A failed turn is rolled back and the next waiting one still runs; the first failure is
    /// thrown at the end. Cancellation stops at once (the provider's stream closes its connection).
    func run(_ first: TurnStep, context: ProcessingContext) async throws {
        var step: TurnStep? = first
        var failure: (any Error)?
        while let current = step {
            do {
                let turnIsOver = try await advance(current, context: context)
                step = turnIsOver ? store.startNext(key: current.key) : nil
            } catch {
                store.abort(key: current.key, turnID: current.turnID)
                statistics.update { $0.failedTurns += 1 }
                failure = failure ?? error
                if error is CancellationError || Task.isCancelled { break }
                step = store.startNext(key: current.key)
            }
        }
        if let failure { throw failure }
    }

    /// Runs several conversations' steps side by side (after the tool catalog arrived).
    func runAll(_ steps: [TurnStep], context: ProcessingContext) async throws {
        let failures = await withTaskGroup(of: (any Error)?.self, returning: [any Error].self) { group in
            for step in steps {
                group.addTask {
                    do {
                        try await run(step, context: context)
                        return nil
                    } catch {
                        return error
                    }
                }
            }
            var failures: [any Error] = []
            for await failure in group { if let failure { failures.append(failure) } }
            return failures
        }
        if let first = failures.first { throw first }
    }

    /// One model call and what follows from it; returns whether the turn is over.
    private func advance(_ step: TurnStep, context: ProcessingContext) async throws -> Bool {
        let answer = try await callModel(step, context: context)
        statistics.update {
            $0.modelCalls += 1
            $0.inputTokens += answer.usage?.inputTokens ?? 0
            $0.outputTokens += answer.usage?.outputTokens ?? 0
        }
        var metadata = [AgentMetadataKey.round: "\(step.roundsDone)", AgentMetadataKey.callMilliseconds: Self.milliseconds(answer.duration)]
        if let first = answer.timeToFirstEvent { metadata[AgentMetadataKey.firstEventMilliseconds] = Self.milliseconds(first) }
        if let model = settings.model { metadata[AgentMetadataKey.model] = model }
        if let usage = answer.usage {
            metadata[AgentMetadataKey.inputTokens] = "\(usage.inputTokens)"
            metadata[AgentMetadataKey.outputTokens] = "\(usage.outputTokens)"
            if let cached = usage.cacheReadInputTokens { metadata[AgentMetadataKey.cacheReadInputTokens] = "\(cached)" }
            if let written = usage.cacheCreationInputTokens {
                metadata[AgentMetadataKey.cacheCreationInputTokens] = "\(written)"
            }
        }
        switch store.commit(answer, key: step.key, turnID: step.turnID) {
        case .stale:
            return false
        case .awaitTools:
            for call in answer.message.toolCalls {
                try await context.emit(AgentArtifacts.toolCall(call, key: step.key, metadata: metadata))
            }
            statistics.update { $0.toolCalls += answer.message.toolCalls.count }
            return false
        case .final(let turn):
            try await context.emit(
                AgentArtifacts.answer(
                    answer.message.content, key: step.key,
                    metadata: finalMetadata(metadata, turn: turn, reason: answer.finishReason.description)))
            statistics.update { $0.answers += 1 }
            return true
        case .capped(let turn, let notice, let requested):
            statistics.update { $0.cappedTurns += 1 }
            try await context.emit(
                AgentArtifacts.answer(
                    notice, key: step.key, metadata: finalMetadata(metadata, turn: turn, reason: "tool_round_limit")))
            throw AgentError.toolRoundLimit(conversation: step.key, limit: turn.roundsDone, requested: requested)
        }
    }

    /// Streams one model call, emitting its text deltas as they arrive.
    private func callModel(_ step: TurnStep, context: ProcessingContext) async throws -> ModelAnswer {
        var messages = step.messages
        if let prompt = settings.systemPrompt, !prompt.isEmpty { messages.insert(.system(prompt), at: 0) }
        let request = ChatRequest(
            model: settings.model, messages: messages, tools: step.tools, temperature: settings.temperature,
            maxTokens: settings.maxTokens)
        var usage: Usage?
        var deltaIndex = 0
        let started = ContinuousClock.now
        var firstEvent: Duration?
        var events = provider.stream(request).makeAsyncIterator()
        while let event = try await nextEvent(&events, step: step) {
            if firstEvent == nil { firstEvent = ContinuousClock.now - started }
            switch event {
            case .textDelta(let text):
                guard settings.emitDeltas, !text.isEmpty else { continue }
                try await context.emit(
                    AgentArtifacts.delta(
                        text, key: step.key,
                        metadata: [AgentMetadataKey.deltaIndex: "\(deltaIndex)", AgentMetadataKey.round: "\(step.roundsDone)"]))
                deltaIndex += 1
            case .usage(let reported):
                usage = reported
            case .finished(let reason, let message):
                return ModelAnswer(
                    message: message, finishReason: reason, usage: usage, duration: ContinuousClock.now - started, timeToFirstEvent: firstEvent)
            case .toolCallStarted, .toolCallArgumentsDelta, .toolCall:
                // Tool calls are emitted whole once the answer is complete, after the store
                // knows they are pending, so no result can arrive before that.
                continue
            }
        }
        // The stream ends without `finished` only when this task was cancelled.
        try Task.checkCancellation()
        throw AgentError.answerMissing(conversation: step.key, provider: provider.name)
    }

    /// The provider's next event; its failures become `AgentError.modelCallFailed` (the
    /// provider's message is already free of the API key), cancellation stays cancellation.
    private func nextEvent(
        _ events: inout AsyncThrowingStream<ChatStreamEvent, any Error>.Iterator, step: TurnStep
    ) async throws -> ChatStreamEvent? {
        do {
            return try await events.next()
        } catch {
            if error is CancellationError || Task.isCancelled { throw CancellationError() }
            throw AgentError.modelCallFailed(conversation: step.key, round: step.roundsDone, reason: "\(error)")
        }
    }

    /// A duration in milliseconds, with three decimals, for metadata.
    private static func milliseconds(_ duration: Duration) -> String {
        let milliseconds = Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
        return String(format: "%.3f", milliseconds)
    }

    private func finalMetadata(_ base: [String: String], turn: TurnState, reason: String) -> [String: String] {
        var metadata = base
        metadata[AgentMetadataKey.finishReason] = reason
        metadata[AgentMetadataKey.toolRounds] = "\(turn.roundsDone)"
        metadata[AgentMetadataKey.modelCalls] = "\(turn.modelCalls)"
        metadata[AgentMetadataKey.totalInputTokens] = "\(turn.inputTokens)"
        metadata[AgentMetadataKey.totalOutputTokens] = "\(turn.outputTokens)"
        return metadata
    }
}
