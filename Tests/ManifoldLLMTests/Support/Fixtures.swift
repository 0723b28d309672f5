import Foundation

/// Response bodies in each provider's real wire format, modelled on captured streams.
enum Fixtures {
    // MARK: OpenAI Chat Completions

    /// Text in several chunks (with multi-byte UTF-8), a comment keep-alive, the finish
    /// reason, then a usage-only chunk with `choices: []`, then `[DONE]`.
    static let openAIText = """
        : keep-alive

        data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-test","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}

        data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-test","choices":[{"index":0,"delta":{"content":"Grüße, "},"finish_reason":null}]}

        : still thinking

        data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-test","choices":[{"index":0,"delta":{"content":"Welt 🌍!"},"finish_reason":null}]}

        data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-test","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}

        data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-test","choices":[],"usage":{"prompt_tokens":12,"completion_tokens":5,"total_tokens":17}}

        data: [DONE]


        """

    /// Two parallel tool calls whose argument fragments interleave by `index`.
    static let openAIParallelTools = """
        data: {"id":"c2","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"role":"assistant","content":null,"tool_calls":[{"index":0,"id":"call_weather","type":"function","function":{"name":"get_weather","arguments":""}}]},"finish_reason":null}]}

        data: {"id":"c2","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"id":"call_time","type":"function","function":{"name":"get_time","arguments":""}}]},"finish_reason":null}]}

        data: {"id":"c2","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\\"ci"}}]},"finish_reason":null}]}

        data: {"id":"c2","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"function":{"arguments":"{\\"tz\\": "}}]},"finish_reason":null}]}

        data: {"id":"c2","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"ty\\": \\"Pa"}}]},"finish_reason":null}]}

        data: {"id":"c2","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"function":{"arguments":"\\"Europe/Paris\\"}"}}]},"finish_reason":null}]}

        data: {"id":"c2","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"ris\\"}"}}]},"finish_reason":null}]}

        data: {"id":"c2","object":"chat.completion.chunk","choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}

        data: {"id":"c2","object":"chat.completion.chunk","choices":[],"usage":{"prompt_tokens":40,"completion_tokens":22,"total_tokens":62}}

        data: [DONE]


        """

    /// Text, then the body ends without `[DONE]`.
    static let openAITruncated = """
        data: {"id":"c3","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"Half an ans"},"finish_reason":null}]}


        """

    // MARK: Anthropic Messages

    /// Text, then a tool call whose input arrives in tiny `partial_json` pieces, with `ping`s
    /// and CRLF line endings throughout.
    static let anthropicToolUse = """
        event: message_start
        data: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","content":[],"model":"claude-test","stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":25,"cache_read_input_tokens":5,"output_tokens":1}}}

        event: content_block_start
        data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

        event: ping
        data: {"type": "ping"}

        event: content_block_delta
        data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Let me check — "}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"one moment."}}

        event: content_block_stop
        data: {"type":"content_block_stop","index":0}

        event: content_block_start
        data: {"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_01","name":"get_weather","input":{}}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":""}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\\"ci"}}

        event: ping
        data: {"type": "ping"}

        event: content_block_delta
        data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"ty\\": \\"Zü"}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"rich\\"}"}}

        event: content_block_stop
        data: {"type":"content_block_stop","index":1}

        event: message_delta
        data: {"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":31}}

        event: message_stop
        data: {"type":"message_stop"}


        """.replacingOccurrences(of: "\n", with: "\r\n")

    /// A plain text answer.
    static let anthropicText = """
        event: message_start
        data: {"type":"message_start","message":{"id":"msg_2","type":"message","role":"assistant","content":[],"model":"claude-test","usage":{"input_tokens":9,"output_tokens":1}}}

        event: content_block_start
        data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Bonjour"}}

        event: content_block_stop
        data: {"type":"content_block_stop","index":0}

        event: message_delta
        data: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":4}}

        event: message_stop
        data: {"type":"message_stop"}


        """

    /// Some text, then an `error` event, all after HTTP 200.
    static let anthropicErrorAfter200 = """
        event: message_start
        data: {"type":"message_start","message":{"id":"msg_3","type":"message","role":"assistant","content":[],"model":"claude-test","usage":{"input_tokens":9,"output_tokens":1}}}

        event: content_block_start
        data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Partial"}}

        event: error
        data: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}


        """

    /// Text, then the body ends without `message_stop`.
    static let anthropicTruncated = """
        event: message_start
        data: {"type":"message_start","message":{"id":"msg_4","type":"message","role":"assistant","content":[],"model":"claude-test","usage":{"input_tokens":9,"output_tokens":1}}}

        event: content_block_start
        data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Cut"}}


        """

    // MARK: Ollama native

    /// Text over several lines (multi-byte UTF-8), then `done` with token counts.
    static let ollamaText = """
        {"model":"llama-test","created_at":"2025-01-01T00:00:00Z","message":{"role":"assistant","content":"Héllo"},"done":false}
        {"model":"llama-test","created_at":"2025-01-01T00:00:00Z","message":{"role":"assistant","content":" wörld ✓"},"done":false}
        {"model":"llama-test","created_at":"2025-01-01T00:00:00Z","message":{"role":"assistant","content":""},"done":true,"done_reason":"stop","total_duration":1,"prompt_eval_count":26,"eval_count":7}

        """

    /// A whole tool call in one line, with arguments as an object.
    static let ollamaToolCall = """
        {"model":"llama-test","created_at":"2025-01-01T00:00:00Z","message":{"role":"assistant","content":"","tool_calls":[{"function":{"name":"get_weather","arguments":{"city":"Paris","days":3}}}]},"done":false}
        {"model":"llama-test","created_at":"2025-01-01T00:00:00Z","message":{"role":"assistant","content":""},"done":true,"done_reason":"stop","prompt_eval_count":50,"eval_count":12}

        """

    /// An error line after HTTP 200.
    static let ollamaError = """
        {"model":"llama-test","created_at":"2025-01-01T00:00:00Z","message":{"role":"assistant","content":"Hi"},"done":false}
        {"error":"model runner has unexpectedly stopped"}

        """

    /// Text lines, then the body ends without `done: true`.
    static let ollamaTruncated = """
        {"model":"llama-test","created_at":"2025-01-01T00:00:00Z","message":{"role":"assistant","content":"Never"},"done":false}

        """
}
