import Foundation
import MCP
import ManifoldMCPValues
import ManifoldContracts
import ManifoldJSON

/// What an MCP `tools/call` result becomes in a `tool/result`.
///
/// `content` (the text the model reads) joins the result's content blocks: text as it is, a
/// resource's text, a link's URI, and a short note for an image or audio block (the agent
/// speaks text to its model). `result` is the structured content when the server gave one,
/// and `isError` is the server's.
enum MCPToolResults {
    static func payload(_ result: CallTool.Result, callID: String, name: String) -> ToolResultPayload {
        var texts = result.content.map(text(of:))
        if texts.isEmpty, let structured = result.structuredContent {
            texts.append(MCPValues.json(structured).jsonText)
        }
        return ToolResultPayload(
            id: callID, name: name, content: texts.joined(separator: "\n"), isError: result.isError ?? false,
            result: result.structuredContent.map(MCPValues.json))
    }

    private static func text(of block: Tool.Content) -> String {
        switch block {
        case .text(let text, _, _):
            return text
        case .image(let data, let mimeType, _, _):
            return "[image, \(mimeType), \(data.count * 3 / 4) bytes]"
        case .audio(let data, let mimeType, _, _):
            return "[audio, \(mimeType), \(data.count * 3 / 4) bytes]"
        case .resource(let resource, _, _):
            return resource.text ?? "[resource \(resource.uri), \(resource.mimeType ?? "binary")]"
        case .resourceLink(let uri, let name, _, _, _, _):
            return "[resource link \(name): \(uri)]"
        }
    }
}
