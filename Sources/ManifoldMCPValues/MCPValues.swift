import Foundation
import MCP
import ManifoldJSON

/// Moves JSON between the MCP SDK's `Value` and Manifold's `JSONValue`: the `mcp` node and
/// `manifold serve --mcp` speak MCP on one side and carry Manifold JSON on the other.
public enum MCPValues {
    /// `value` as an MCP value.
    public static func mcp(_ value: JSONValue) -> Value {
        switch value {
        case .null: return .null
        case .bool(let flag): return .bool(flag)
        case .integer(let number): return Int(exactly: number).map(Value.int) ?? .double(Double(number))
        case .number(let number): return .double(number)
        case .string(let text): return .string(text)
        case .array(let items): return .array(items.map(mcp))
        case .object(let object):
            var members: [String: Value] = [:]
            for (key, member) in object { members[key] = mcp(member) }
            return .object(members)
        }
    }

    /// `value` as Manifold JSON; binary data becomes its `data:` URL text, as MCP writes it.
    public static func json(_ value: Value) -> JSONValue {
        switch value {
        case .null: return .null
        case .bool(let flag): return .bool(flag)
        case .int(let number): return .integer(Int64(number))
        case .double(let number): return .number(number)
        case .string(let text): return .string(text)
        case .data(let mimeType, let bytes):
            return .string("data:\(mimeType ?? "application/octet-stream");base64,\(bytes.base64EncodedString())")
        case .array(let items): return .array(items.map(json))
        case .object(let members): return .object(JSONObject(members.mapValues(json)))
        }
    }
}
