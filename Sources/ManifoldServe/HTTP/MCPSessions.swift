import Foundation
import MCP
import ManifoldJSON

/// The Streamable HTTP sessions of one served graph: a client's `initialize` opens one (its
/// own MCP server and transport), its `Mcp-Session-Id` header routes every later request to
/// it, and a `DELETE` or a long silence closes it.
actor MCPSessions {
    private struct Session {
        let server: Server
        let transport: StatefulHTTPServerTransport
        var lastUsed: ContinuousClock.Instant
    }

    private var sessions: [String: Session] = [:]
    private let makeServer: @Sendable () async -> Server
    private let validation: any HTTPRequestValidationPipeline
    /// A session no request has used for this long is closed: the SDK's transport keeps every
    /// message of a session for replay, so an abandoned one would hold its memory for good.
    private let idleLimit: Duration

    init(validation: any HTTPRequestValidationPipeline, idleLimit: Duration, makeServer: @escaping @Sendable () async -> Server) {
        self.validation = validation
        self.idleLimit = idleLimit
        self.makeServer = makeServer
    }

    /// Sessions open now.
    var count: Int { sessions.count }

    /// Answers one HTTP request to the MCP endpoint.
    func handle(_ request: HTTPRequest) async -> HTTPResponse {
        closeIdleSessions()
        if let id = request.header(HTTPHeaderName.sessionID) {
            guard var session = sessions[id] else {
                return .error(statusCode: 404, .invalidRequest("Not Found: no session '\(id)' (it ended, or this server restarted); initialize again"))
            }
            session.lastUsed = .now
            sessions[id] = session
            let response = await session.transport.handleRequest(request)
            if request.method.uppercased() == "DELETE" && response.statusCode == 200 {
                await close(id)
            }
            return response
        }
        guard request.method.uppercased() == "POST", let body = request.body, Self.isInitialize(body) else {
            return .error(statusCode: 400, .invalidRequest("Bad Request: no \(HTTPHeaderName.sessionID) header; start with an initialize request"))
        }
        return await open(request)
    }

    /// Closes every session.
    func closeAll() async {
        for id in Array(sessions.keys) { await close(id) }
    }

    private func open(_ request: HTTPRequest) async -> HTTPResponse {
        let id = UUID().uuidString
        let transport = StatefulHTTPServerTransport(sessionIDGenerator: FixedSessionID(id: id), validationPipeline: validation)
        let server = await makeServer()
        do {
            try await server.start(transport: transport)
        } catch {
            return .error(statusCode: 500, .internalError("could not start a session: \(error)"))
        }
        let response = await transport.handleRequest(request)
        if case .error = response {
            await server.stop()
        } else {
            sessions[id] = Session(server: server, transport: transport, lastUsed: .now)
        }
        return response
    }

    private func close(_ id: String) async {
        guard let session = sessions.removeValue(forKey: id) else { return }
        await session.server.stop()
    }

    private func closeIdleSessions() {
        let now = ContinuousClock.now
        for (id, session) in sessions where now - session.lastUsed > idleLimit {
            sessions[id] = nil
            Task { await session.server.stop() }
        }
    }

    /// Whether a POST body is an `initialize` request (alone or in a batch).
    static func isInitialize(_ body: Data) -> Bool {
        guard let message = try? JSONValue(parsing: body) else { return false }
        let messages = message.arrayValue ?? [message]
        return messages.contains { $0.objectValue?["method"] == .string("initialize") }
    }
}

/// The session id chosen before the transport exists, so the table can file the session under it.
private struct FixedSessionID: SessionIDGenerator {
    let id: String
    func generateSessionID() -> String { id }
}
