import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// One streaming POST to a provider, with retries, status mapping and body decoding.
struct StreamingCall<Decoder: ChatStreamDecoder>: Sendable {
    /// The provider's name for errors.
    let provider: String
    let transport: HTTPTransport
    let settings: HTTPProviderSettings
    /// The endpoint below the base URL, e.g. `/chat/completions`.
    let path: String
    /// Provider headers (auth, version); `settings.extraHeaders` are added after them.
    let headers: [(name: String, value: String)]
    let body: Data
    /// The model asked for, named in a 404.
    let model: String
    let makeDecoder: @Sendable () -> Decoder

    /// The most bytes of an error body read for its message.
    private static var errorBodyLimit: Int { 64 * 1024 }

    private enum Outcome {
        case done
        case retry(afterSeconds: Double)
    }

    /// The start of the body kept to show when it held no event: enough bytes for a snippet
    /// and for a whole secret that begins inside it, so that the secret is scrubbed whole.
    private static var openingLimit: Int { Snippet.defaultLimit * 4 + 1024 }

    /// The most bytes read after the end marker, so that the connection can go back to the
    /// pool; a server that sends more is cut off instead.
    private static var drainLimit: Int { 64 * 1024 }

    /// Runs the call, yielding events into `continuation`, and finishes it on success.
    ///
    /// The whole call, retries included, must end within `requestTimeoutSeconds`: the read
    /// timeout only bounds silence, and a server that keeps sending keep-alives, or one byte
    /// at a time, would hold the call open forever. Every `ProviderError` leaves scrubbed of
    /// the provider's secrets and with its control characters escaped.
    func run(into continuation: EventStream.Continuation) async throws {
        let secrets = Secrets(settings)
        do {
            try await RequestDeadline.run(
                seconds: settings.requestTimeoutSeconds,
                expired: ProviderError.requestTimedOut(provider: provider, seconds: settings.requestTimeoutSeconds)
            ) {
                try await runAttempts(into: continuation)
            }
        } catch let error as ProviderError {
            throw error.sanitized(secrets)
        }
    }

    private func runAttempts(into continuation: EventStream.Continuation) async throws {
        var attempt = 0
        while true {
            attempt += 1
            switch try await attemptOnce(attempt, continuation) {
            case .done:
                return
            case .retry(let seconds):
                try await Task.sleep(for: .milliseconds(Int64(seconds * 1000)))
            }
        }
    }

    private func attemptOnce(_ attempt: Int, _ continuation: EventStream.Continuation) async throws -> Outcome {
        let response: HTTPClientResponse
        do {
            let deadline = NIODeadline.now()
                + .milliseconds(Int64((settings.connectTimeoutSeconds + settings.readTimeoutSeconds) * 1000))
            response = try await transport.client.execute(makeRequest(), deadline: deadline)
        } catch {
            return try recover(from: error, attempt: attempt, delivered: false, decoder: nil)
        }
        guard (200..<300).contains(response.status.code) else {
            return try await failure(for: response, attempt: attempt)
        }

        var decoder = makeDecoder()
        var delivered = false
        var opening: [UInt8] = []
        var received = 0
        var drained = 0
        do {
            for try await buffer in response.body {
                let bytes = buffer.readableBytesView
                if decoder.isComplete {
                    // After the end marker the rest of the body is drained, so that the
                    // connection goes back to the pool instead of being closed; but only a
                    // little of it, and nothing after an answer the decoder cut short.
                    drained += bytes.count
                    if decoder.endedEarly || drained > Self.drainLimit { break }
                    continue
                }
                received += bytes.count
                guard received <= settings.maxResponseBytes else {
                    throw ProviderError.responseTooLarge(provider: provider, limit: settings.maxResponseBytes)
                }
                if opening.count < Self.openingLimit { opening += bytes.prefix(Self.openingLimit - opening.count) }
                // The text deltas of one read go on as one (`DeltaCoalescer`), also when the
                // read ends in an error: what was decoded before it is delivered first.
                var coalescer = DeltaCoalescer()
                let deliver: (ChatStreamEvent) -> Void = { event in
                    continuation.yield(event)
                    delivered = true
                }
                do {
                    try decoder.consume(bytes) { event in coalescer.add(event, deliver: deliver) }
                } catch {
                    coalescer.flush(deliver)
                    throw error
                }
                coalescer.flush(deliver)
                if decoder.isComplete {
                    continuation.finish()
                    if decoder.endedEarly { break }
                }
            }
        } catch let error as ProviderError {
            throw error
        } catch {
            if decoder.isComplete { return .done }
            return try recover(from: error, attempt: attempt, delivered: delivered, decoder: decoder)
        }
        if !decoder.isComplete {
            do {
                try decoder.finish { event in
                    continuation.yield(event)
                    delivered = true
                }
            } catch ProviderError.streamTruncated(let provider, let expected, nil) where !delivered {
                let reason = opening.isEmpty
                    ? "the body was empty" : "no events; the body began: \(Snippet.make(bytes: opening, secrets: Secrets(settings)))"
                throw ProviderError.streamTruncated(provider: provider, expected: expected, reason: reason)
            }
        }
        return .done
    }

    /// Decides what a transport error means: retry (nothing delivered yet) or which error.
    private func recover(from error: any Error, attempt: Int, delivered: Bool, decoder: Decoder?) throws -> Outcome {
        if Task.isCancelled { throw CancellationError() }
        switch TransportFailure(error) {
        case .cancelled:
            throw CancellationError()
        case .timedOut:
            let phase = decoder == nil ? "waiting for the response" : "waiting for more of the stream"
            throw ProviderError.timedOut(provider: provider, phase: phase, seconds: settings.readTimeoutSeconds)
        case .configuration(let reason):
            throw ProviderError.invalidConfiguration("\(provider): \(reason)")
        case .connection(let reason):
            if !delivered, attempt <= settings.retry.maxRetries,
                let delay = settings.retry.delay(beforeRetry: attempt, retryAfter: nil)
            {
                return .retry(afterSeconds: delay)
            }
            if let decoder, delivered {
                throw ProviderError.streamTruncated(provider: provider, expected: decoder.terminator, reason: "connection lost: \(reason)")
            }
            throw ProviderError.connectionFailed(provider: provider, attempts: attempt, reason: reason)
        }
    }

    /// Maps a non-2xx response to a retry or a `ProviderError`.
    private func failure(for response: HTTPClientResponse, attempt: Int) async throws -> Outcome {
        let status = Int(response.status.code)
        let message = ErrorBody.message(from: await Self.readErrorBody(response.body), secrets: Secrets(settings))

        if status == 429 || (500...599).contains(status) {
            let retryAfter = response.headers.first(name: "Retry-After").flatMap { RetryAfter.seconds($0) }
            if attempt <= settings.retry.maxRetries,
                let delay = settings.retry.delay(beforeRetry: attempt, retryAfter: retryAfter)
            {
                return .retry(afterSeconds: delay)
            }
            if status == 429 {
                throw ProviderError.rateLimited(provider: provider, attempts: attempt, retryAfterSeconds: retryAfter, message: message)
            }
            throw ProviderError.serverError(provider: provider, status: status, attempts: attempt, message: message)
        }
        switch status {
        case 401, 403:
            throw ProviderError.authenticationFailed(
                provider: provider, status: status, environmentVariable: settings.apiKeyEnvironmentVariable, message: message)
        case 404:
            let urlPath = URL(string: settings.url(for: path))?.path ?? path
            throw ProviderError.modelNotFound(provider: provider, model: model, path: urlPath, message: message)
        case 400..<500:
            throw ProviderError.badRequest(provider: provider, status: status, message: message)
        default:
            let location = response.headers.first(name: "Location").map { "redirected to \($0)" }
            throw ProviderError.unexpectedStatus(provider: provider, status: status, message: location ?? message)
        }
    }

    private func makeRequest() -> HTTPClientRequest {
        var request = HTTPClientRequest(url: settings.url(for: path))
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "Manifold-LLM/1")
        for header in headers { request.headers.replaceOrAdd(name: header.name, value: header.value) }
        for (name, value) in settings.extraHeaders { request.headers.replaceOrAdd(name: name, value: value) }
        request.body = .bytes(ByteBuffer(bytes: body))
        return request
    }

    /// Reads at most `errorBodyLimit` bytes; a body that fails midway still gives its start.
    private static func readErrorBody(_ body: HTTPClientResponse.Body) async -> [UInt8] {
        var bytes: [UInt8] = []
        do {
            for try await buffer in body {
                bytes += buffer.readableBytesView.prefix(errorBodyLimit - bytes.count)
                if bytes.count >= errorBodyLimit { break }
            }
        } catch {
            // The status already says what failed; a partial message is still useful.
        }
        return bytes
    }
}
