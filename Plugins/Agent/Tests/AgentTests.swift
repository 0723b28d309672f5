import Foundation
import Manifold
import ManifoldContracts
import ManifoldAgentKit
import ManifoldLLM
import ManifoldPluginKit
import ManifoldPluginTestSupport
import Testing

@Suite("agent")
struct AgentTests {
    static let powTool = InlineTool(
        name: "pow", description: "x to the power y",
        parameters: ["type": "object", "properties": ["x": ["type": "number"], "y": ["type": "number"]]])

    @Test("streams text deltas in order, then one final chat/message with usage")
    func streamsDeltasThenAnswer() async throws {
        let agent = try AgentPlugin(
            configuration: AgentConfiguration(
                provider: scripted([ScriptedTurn(text: "Hello there, friend.", usage: Usage(inputTokens: 11, outputTokens: 4))])))
        let out = Recorder()
        let emitted = try await agent.feed(userTurn("hi", conversation: "c1"), into: out)

        let deltas = emitted.filter { $0.type == .chatDelta }
        #expect(deltas.map { json($0)["text"]?.stringValue ?? "" } == ["Hello ", "there, ", "friend."])
        #expect(deltas.map { $0.metadata[AgentMetadataKey.deltaIndex] } == ["0", "1", "2"])
        #expect(emitted.last?.type == .chatMessage, "the answer comes after every delta")
        let answer = try #require(emitted.last)
        #expect(json(answer) == ["role": "assistant", "content": "Hello there, friend."])
        #expect(answer.metadata[AgentMetadataKey.inputTokens] == "11")
        #expect(answer.metadata[AgentMetadataKey.outputTokens] == "4")
        #expect(answer.metadata[AgentMetadataKey.totalInputTokens] == "11")
        #expect(answer.metadata[AgentMetadataKey.finishReason] == "stop")
        #expect(emitted.allSatisfy { $0.correlationID == "c1" })
        #expect(agent.history(ofConversation: "c1").map(\.role) == [.user, .assistant])
    }

    @Test("emitDeltas false sends only the final message; chat/message input and system prompt are used")
    func noDeltasAndSystemPrompt() async throws {
        let provider = RecordingProvider(EchoProvider())
        let agent = try AgentPlugin(
            configuration: AgentConfiguration(provider: scripted([.text("unused")]), systemPrompt: "Be brief.", emitDeltas: false),
            provider: provider)
        let out = Recorder()
        let input = Artifact(type: .chatMessage, payload: Data(#"{"role":"user","content":"ping"}"#.utf8), correlationID: "c")
        let emitted = try await agent.feed(input, into: out)
        #expect(emitted.map(\.type) == [.chatMessage])
        #expect(json(emitted[0])["content"] == "2: ping")
        #expect(provider.requests.first?.messages.first == .system("Be brief."))
        #expect(agent.history(ofConversation: "c").contains { $0.role == .system } == false, "the system prompt is not history")
    }

    @Test("tool-call round trip: tool/call out, tool/result in with the same correlation id, final answer")
    func toolRoundTrip() async throws {
        let provider = RecordingProvider(
            ScriptedProvider(script: [
                .toolCalls([ScriptedToolCall(id: "call_1", name: "pow", arguments: ["x": 2, "y": 10])]),
                .text("2^10 is 1024."),
            ]))
        let agent = try AgentPlugin(
            configuration: AgentConfiguration(provider: scripted([.text("unused")]), tools: [Self.powTool]), provider: provider)
        let out = Recorder()

        let first = try await agent.feed(userTurn("what is 2^10?", conversation: "conv"), into: out)
        let call = try #require(first.first { $0.type == .toolCall })
        #expect(json(call) == ["id": "call_1", "name": "pow", "arguments": ["x": 2, "y": 10]])
        #expect(call.correlationID == "conv")
        #expect(call.metadata[ToolMetadataKey.toolName] == "pow")
        #expect(first.contains { $0.type == .chatMessage } == false, "no answer before the tool result")
        #expect(provider.requests.first?.tools.map(\.name) == ["pow"])

        let second = try await agent.feed(toolResult(id: "call_1", name: "pow", content: "1024", conversation: "conv"), into: out)
        let answer = try #require(second.last)
        #expect(answer.type == .chatMessage)
        #expect(json(answer)["content"] == "2^10 is 1024.")
        #expect(answer.metadata[AgentMetadataKey.toolRounds] == "1")
        #expect(answer.metadata[AgentMetadataKey.modelCalls] == "2")

        let resumed = try #require(provider.requests.last)
        #expect(resumed.messages.map(\.role) == [.user, .assistant, .tool])
        #expect(resumed.messages[1].toolCalls.map(\.id) == ["call_1"])
        #expect(resumed.messages[2] == .tool(callID: "call_1", name: "pow", content: "1024"))
    }

    @Test("two parallel tool calls: the turn resumes once both results are in, tool messages in call order")
    func parallelToolCalls() async throws {
        let provider = RecordingProvider(
            ScriptedProvider(script: [
                .toolCalls([
                    ScriptedToolCall(id: "a", name: "pow", arguments: ["x": 2, "y": 3]),
                    ScriptedToolCall(id: "b", name: "pow", arguments: ["x": 3, "y": 2]),
                ]),
                .text("8 and 9."),
            ]))
        let agent = try AgentPlugin(
            configuration: AgentConfiguration(provider: scripted([.text("unused")]), tools: [Self.powTool]), provider: provider)
        let out = Recorder()
        let calls = try await agent.feed(userTurn("both", conversation: "p"), into: out).filter { $0.type == .toolCall }
        #expect(calls.map { json($0)["id"]?.stringValue } == ["a", "b"])

        // Results arrive in the other order; the first one alone does not resume the turn.
        let afterB = try await agent.feed(toolResult(id: "b", name: "pow", content: "9", conversation: "p"), into: out)
        #expect(afterB.isEmpty)
        #expect(provider.requests.count == 1)
        let afterA = try await agent.feed(toolResult(id: "a", name: "pow", content: "8", conversation: "p"), into: out)
        #expect(afterA.last.map { json($0)["content"] } == "8 and 9.")
        let resumed = try #require(provider.requests.last)
        #expect(resumed.messages.suffix(2).map(\.toolCallID) == ["a", "b"])
        #expect(resumed.messages.suffix(2).map(\.content) == ["8", "9"])
    }

    @Test("maxToolRounds caps the tool loop: a notice answers, the turn fails, the history stays usable")
    func toolRoundCap() async throws {
        let agent = try AgentPlugin(
            configuration: AgentConfiguration(
                provider: scripted([
                    .toolCalls([ScriptedToolCall(id: "r1", name: "pow")]),
                    .toolCalls([ScriptedToolCall(id: "r2", name: "pow")]),
                    .text("fresh answer"),
                ]),
                maxToolRounds: 1, tools: [Self.powTool]))
        let out = Recorder()
        try await agent.feed(userTurn("loop", conversation: "cap"), into: out)
        await expectError(containing: ["maxToolRounds (1)", "pow", "cap"]) {
            try await agent.feed(toolResult(id: "r1", name: "pow", content: "1", conversation: "cap"), into: out)
        }
        let notice = try #require(out.of(.chatMessage).last)
        #expect(json(notice)["content"]?.stringValue?.contains("maxToolRounds = 1") == true)
        #expect(notice.metadata[AgentMetadataKey.finishReason] == "tool_round_limit")
        #expect(out.of(.toolCall).count == 1, "the second round's call is not emitted")

        // The unanswered call is not in the history, so the next turn is valid and goes on.
        #expect(agent.history(ofConversation: "cap").allSatisfy { $0.role != .assistant || $0.toolCalls.map(\.id) != ["r2"] })
        let next = try await agent.feed(userTurn("again", conversation: "cap"), into: out)
        #expect(next.last.map { json($0)["content"] } == "fresh answer")
    }

    @Test("two interleaved conversations keep separate histories")
    func interleavedConversations() async throws {
        let provider = RecordingProvider(EchoProvider())
        let agent = try AgentPlugin(configuration: AgentConfiguration(provider: scripted([.text("unused")])), provider: provider)
        let out = Recorder()
        let a1 = try await agent.feed(userTurn("a one", conversation: "A"), into: out)
        let b1 = try await agent.feed(userTurn("b one", conversation: "B"), into: out)
        let a2 = try await agent.feed(userTurn("a two", conversation: "A"), into: out)
        #expect(a1.last.map { json($0)["content"] } == "1: a one")
        #expect(b1.last.map { json($0)["content"] } == "1: b one")
        #expect(a2.last.map { json($0)["content"] } == "3: a two")
        #expect(agent.history(ofConversation: "A").map(\.content) == ["a one", "1: a one", "a two", "3: a two"])
        #expect(agent.history(ofConversation: "B").map(\.content) == ["b one", "1: b one"])
    }

    @Test("a conversation waiting for tools queues its next user turn; others run meanwhile")
    func queuesTurnsWhileWaitingForTools() async throws {
        let agent = try AgentPlugin(
            configuration: AgentConfiguration(
                provider: scripted([.toolCalls([ScriptedToolCall(id: "t", name: "pow")]), .text("first done"), .text("second done")]),
                tools: [Self.powTool]))
        let out = Recorder()
        try await agent.feed(userTurn("first", conversation: "Q"), into: out)
        let queued = try await agent.feed(userTurn("second", conversation: "Q"), into: out)
        #expect(queued.isEmpty, "the second turn waits for the first to finish")
        let other = try await agent.feed(userTurn("elsewhere", conversation: "R"), into: out)
        #expect(other.contains { $0.type == .toolCall }, "another conversation is not blocked")
        let resumed = try await agent.feed(toolResult(id: "t", name: "pow", content: "1", conversation: "Q"), into: out)
        #expect(resumed.filter { $0.type == .chatMessage }.map { json($0)["content"] } == ["first done", "second done"])
    }

    @Test("a bounded store forgets the least recently used idle conversation")
    func evictsLeastRecentlyUsed() async throws {
        let agent = try AgentPlugin(
            configuration: AgentConfiguration(provider: scripted([.text("unused")]), maxConversations: 2), provider: EchoProvider())
        let out = Recorder()
        for key in ["one", "two", "one", "three"] { try await agent.feed(userTurn(key, conversation: key), into: out) }
        #expect(agent.history(ofConversation: "two").isEmpty)
        #expect(agent.history(ofConversation: "one").count == 4)
        #expect(agent.history(ofConversation: "three").count == 2)
    }

    @Test("toolCatalog request: one tool/list, turns wait for the catalog, then run with merged tools")
    func requestsCatalog() async throws {
        let provider = RecordingProvider(EchoProvider())
        let agent = try AgentPlugin(
            configuration: AgentConfiguration(
                provider: scripted([.text("unused")]), tools: [Self.powTool], toolCatalog: .request),
            provider: provider)
        let out = Recorder()
        let first = try await agent.feed(userTurn("x", conversation: "1"), into: out)
        let second = try await agent.feed(userTurn("y", conversation: "2"), into: out)
        #expect(first.map(\.type) == [ArtifactType.toolList])
        #expect(second.isEmpty, "tool/list is sent once per agent")
        #expect(provider.requests.isEmpty)

        let catalog = Artifact(
            type: ArtifactType.toolCatalog,
            payload: Data(#"[{"name":"cos","description":"cosine","parameters":{"type":"object"}},{"name":"pow","description":"dup"}]"#.utf8),
            correlationID: "1")
        let answers = try await agent.feed(catalog, into: out).filter { $0.type == .chatMessage }
        #expect(Set(answers.compactMap { $0.correlationID }) == ["1", "2"])
        #expect(provider.requests.count == 2)
        #expect(provider.requests.allSatisfy { $0.tools.map(\.name) == ["pow", "cos"] })
        #expect(agent.offeredTools.first { $0.name == "pow" }?.description == "x to the power y", "inline tools win")
    }

    @Test("a node's new catalog replaces its earlier one; other nodes' catalogs stay")
    func catalogFromTheSameNodeReplacesItsEarlierOne() async throws {
        let agent = try AgentPlugin(
            configuration: AgentConfiguration(provider: scripted([.text("unused")]), tools: [Self.powTool], toolCatalog: .request),
            provider: EchoProvider())
        let out = Recorder()
        func catalog(_ names: [String], from origin: String) -> Artifact {
            let entries = names.map { #"{"name":"\#($0)","description":"\#($0) from \#(origin)"}"# }.joined(separator: ",")
            return Artifact(type: ArtifactType.toolCatalog, payload: Data("[\(entries)]".utf8), origin: origin)
        }
        try await agent.feed(catalog(["now", "shout"], from: "mcp"), into: out)
        try await agent.feed(catalog(["cos"], from: "tools"), into: out)
        #expect(agent.offeredTools.map(\.name) == ["pow", "now", "shout", "cos"])
        // The mcp node's tools changed: its whole list comes again, without "shout".
        try await agent.feed(catalog(["now", "whisper", "cos", "pow"], from: "mcp"), into: out)
        #expect(agent.offeredTools.map(\.name) == ["pow", "now", "whisper", "cos"])
        #expect(agent.offeredTools.first { $0.name == "cos" }?.description == "cos from mcp", "the earlier sender wins a clash")
        #expect(agent.offeredTools.first { $0.name == "pow" }?.description == "x to the power y", "inline tools win")
    }

    @Test("cancellation stops the stream and rolls the turn back")
    func cancellationStopsTheStream() async throws {
        let agent = try AgentPlugin(
            configuration: AgentConfiguration(
                provider: scripted([.text(String(repeating: "word ", count: 9000))], chunkDelayMilliseconds: 20)))
        let out = Recorder()
        let task = Task { try await agent.feed(userTurn("long", conversation: "x"), into: out) }
        _ = await out.first(of: .chatDelta)
        let cancelled = ContinuousClock.now
        task.cancel()
        let result = await task.result
        #expect(throws: CancellationError.self) { try result.get() }
        // Far below the stream's 180 s, far above a prompt stop: a loaded machine stalls tasks for seconds.
        #expect(ContinuousClock.now - cancelled < .seconds(90), "9000 words at 20 ms would take 180 s")
        #expect(out.of(.chatMessage).isEmpty)
        #expect(agent.history(ofConversation: "x").isEmpty, "the cancelled turn is rolled back")
    }

    @Test("bad inputs and provider failures are thrown with clear messages and counted")
    func badPaths() async throws {
        let logs = LogRecorder()
        let agent = try AgentPlugin(configuration: AgentConfiguration(provider: scripted([.text("only one")])), log: logs.log)
        let out = Recorder()
        await expectError(containing: ["tool result for call 'nope'", "no such conversation"]) {
            try await agent.feed(toolResult(id: "nope", name: "pow", content: "", conversation: "ghost"), into: out)
        }
        await expectError(containing: ["malformed", "role \"user\""]) {
            try await agent.feed(
                Artifact(type: .chatMessage, payload: Data(#"{"role":"assistant","content":"x"}"#.utf8)), into: out)
        }
        await expectError(containing: ["malformed", "not JSON"]) {
            try await agent.feed(Artifact(type: .toolResult, payload: Data("oops".utf8), correlationID: "c"), into: out)
        }
        try await agent.feed(userTurn("one", conversation: "c"), into: out)
        await expectError(containing: ["model call failed", "conversation 'c'", "scripted: no turn 2"]) {
            try await agent.feed(userTurn("two", conversation: "c"), into: out)
        }
        #expect(agent.history(ofConversation: "c").count == 2, "the failed turn is rolled back")
        await agent.shutdown()
        #expect(logs.text.contains("1 failed turns"))
        #expect(logs.text.contains("3 rejected inputs"))
    }

    @Test("config errors name the key; a missing API key names the variable")
    func configurationErrors() throws {
        expectError(containing: ["config.provider", "OPENAI_TEST_KEY"]) {
            _ = try AgentPlugin(
                configuration: AgentConfiguration(provider: ProviderConfig(provider: .openai, apiKeyEnv: "OPENAI_TEST_KEY")),
                environment: [:])
        }
        expectError(containing: ["config.tools[1]", "used twice"]) {
            _ = try AgentPlugin(
                configuration: AgentConfiguration(provider: scripted([.text("x")]), tools: [Self.powTool, Self.powTool]))
        }
        expectError(containing: ["config.tools[0].name", "not a valid tool name"]) {
            _ = try AgentPlugin(configuration: AgentConfiguration(provider: scripted([.text("x")]), tools: [InlineTool(name: "bad name")]))
        }
        expectError(containing: ["config.maxToolRounds"]) {
            _ = try AgentPlugin(configuration: AgentConfiguration(provider: scripted([.text("x")]), maxToolRounds: -1))
        }
        // The config the host hands over decodes as documented.
        let text = #"{"provider": {"provider": "scripted", "script": [{"text": "hi"}]}, "maxToolRounds": 2, "toolCatalog": "request"}"#
        let decoded = try JSONDecoder().decode(AgentConfiguration.self, from: Data(text.utf8))
        #expect(decoded.maxToolRounds == 2)
        #expect(decoded.toolCatalog == .request)
    }
}
