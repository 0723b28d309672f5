import Foundation
import Manifold
import ManifoldWire

/// The control messages two linked hubs exchange, carried as `ManifoldWire` frames of the
/// private-use kinds below (docs/wire.md §3); artifacts travel as ordinary artifact frames.
///
/// A publish is one `publish` frame followed by its `count` artifact frames; the receiver
/// delivers them and answers with one `report` (or `failed`) frame for the same sequence
/// number. Every other message stands alone. Headers are small fixed fields (see
/// `LinkFieldWriter`), except `interestAdded`, whose header is JSON: it is rare and its
/// fields (patterns, type sets) already have a text form.
enum LinkMessage: Sendable, Equatable {
    case interestAdded(RemoteInterest)
    case interestRemoved(subscription: UInt64)
    case publish(sequence: UInt64, topic: String, count: Int)
    case report(sequence: UInt64, report: DeliveryReport, cancelled: Bool)
    case failed(sequence: UInt64, message: String)
    case cancel(sequence: UInt64)
    case idleProbe(UInt64)
    case idleReply(UInt64)
    case ping(UInt64)
    case pong(UInt64)

    static let interestAddedKind = WireFrameKind(rawValue: 0x80)
    static let interestRemovedKind = WireFrameKind(rawValue: 0x81)
    static let publishKind = WireFrameKind(rawValue: 0x82)
    static let reportKind = WireFrameKind(rawValue: 0x83)
    static let failedKind = WireFrameKind(rawValue: 0x84)
    static let cancelKind = WireFrameKind(rawValue: 0x85)
    static let idleProbeKind = WireFrameKind(rawValue: 0x86)
    static let idleReplyKind = WireFrameKind(rawValue: 0x87)
    static let pingKind = WireFrameKind(rawValue: 0x88)
    static let pongKind = WireFrameKind(rawValue: 0x89)

    /// The message as a wire frame.
    var frame: WireFrame {
        var fields = LinkFieldWriter()
        let kind: WireFrameKind
        switch self {
        case .interestAdded(let interest):
            // JSONEncoder cannot fail on these plain Codable values.
            let json = (try? JSONEncoder().encode(interest)) ?? Data()
            return .control(kind: Self.interestAddedKind, header: json, body: Data())
        case .publish(let sequence, let topic, let count):
            kind = Self.publishKind
            fields.integer(sequence)
            fields.string(topic)
            fields.integer(UInt64(count))
        case .report(let sequence, let report, let cancelled):
            kind = Self.reportKind
            fields.integer(sequence)
            for count in [report.delivered, report.dropped, report.rejected, report.deadLettered] { fields.integer(UInt64(count)) }
            fields.integer(cancelled ? 1 : 0)
        case .failed(let sequence, let message):
            kind = Self.failedKind
            fields.integer(sequence)
            fields.string(message)
        case .interestRemoved, .cancel, .idleProbe, .idleReply, .ping, .pong:
            // The messages that are one number: their kind and that number.
            let (oneNumberKind, number) = oneNumber!
            kind = oneNumberKind
            fields.integer(number)
        }
        return .control(kind: kind, header: Data(fields.bytes), body: Data())
    }

    /// The kind and the number of a message that is one number, `nil` for the others.
    private var oneNumber: (WireFrameKind, UInt64)? {
        switch self {
        case .interestRemoved(let subscription): (Self.interestRemovedKind, subscription)
        case .cancel(let sequence): (Self.cancelKind, sequence)
        case .idleProbe(let number): (Self.idleProbeKind, number)
        case .idleReply(let number): (Self.idleReplyKind, number)
        case .ping(let number): (Self.pingKind, number)
        case .pong(let number): (Self.pongKind, number)
        case .interestAdded, .publish, .report, .failed: nil
        }
    }

    /// Reads a control frame.
    ///
    /// - Throws: `LinkError.protocolViolation` for an unknown kind or malformed fields.
    init(kind: WireFrameKind, header: Data) throws(LinkError) {
        if kind == Self.interestAddedKind {
            guard let interest = try? JSONDecoder().decode(RemoteInterest.self, from: header) else {
                throw .protocolViolation("an interest message is not valid JSON of the expected shape")
            }
            self = .interestAdded(interest)
            return
        }
        var fields = LinkFieldReader(header)
        switch kind {
        case Self.interestRemovedKind: self = .interestRemoved(subscription: try fields.integer())
        case Self.publishKind:
            self = .publish(sequence: try fields.integer(), topic: try fields.string(), count: Int(try fields.integer()))
        case Self.reportKind:
            let sequence = try fields.integer()
            var report = DeliveryReport()
            report.delivered = Int(try fields.integer())
            report.dropped = Int(try fields.integer())
            report.rejected = Int(try fields.integer())
            report.deadLettered = Int(try fields.integer())
            self = .report(sequence: sequence, report: report, cancelled: try fields.integer() != 0)
        case Self.failedKind: self = .failed(sequence: try fields.integer(), message: try fields.string())
        case Self.cancelKind: self = .cancel(sequence: try fields.integer())
        case Self.idleProbeKind: self = .idleProbe(try fields.integer())
        case Self.idleReplyKind: self = .idleReply(try fields.integer())
        case Self.pingKind: self = .ping(try fields.integer())
        case Self.pongKind: self = .pong(try fields.integer())
        default: throw .protocolViolation("unknown message kind \(kind)")
        }
        try fields.expectEnd(kind)
    }
}

/// A subscription on the peer hub, as announced over the link.
struct RemoteInterest: Sendable, Equatable, Codable {
    /// The subscription's id on the peer.
    var subscription: UInt64
    var name: String
    var patterns: [String]
    var accepts: ArtifactTypeSet

    init(_ interest: TopicInterest) {
        subscription = interest.subscription.rawValue
        name = interest.name
        patterns = interest.patterns.map(\.text)
        accepts = interest.accepts
    }
}
