"""Drives `manifold serve --mcp` with the official Python MCP client SDK, as an agent would.

    mcp_serve_client.py stdio MANIFOLD GRAPH SCENARIO [EXTRA ARGS...]
    mcp_serve_client.py http URL SCENARIO

Scenarios:
    list     list the tools
    call     call TOOL with ARGUMENTS (JSON), asking for progress
    cancel   call TOOL with ARGUMENTS, cancel it after its first progress notification, then
             call it again with SECOND ARGUMENTS and wait for that result

Prints one JSON object on standard output: the tools, each result's text content,
structured content and isError, the progress messages, and whether the cancelled call
raised. Any failure of the client itself is a traceback and a non-zero exit.
"""

import json
import sys

import anyio
from mcp import ClientSession, StdioServerParameters, stdio_client
from mcp.client.streamable_http import streamable_http_client


def result_json(result):
    texts = [item.text for item in result.content if getattr(item, "type", None) == "text"]
    others = [item.type for item in result.content if getattr(item, "type", None) != "text"]
    return {"texts": texts, "others": others, "structured": result.structured_content, "isError": bool(result.is_error)}


async def exercise(session, scenario, arguments):
    await session.initialize()
    report = {}
    tools = await session.list_tools()
    report["tools"] = [{"name": tool.name, "description": tool.description, "inputSchema": tool.input_schema} for tool in tools.tools]
    if scenario == "list":
        return report
    tool, call_arguments = arguments[0], json.loads(arguments[1])
    progress = []

    async def on_progress(value, total, message):
        progress.append(message)

    if scenario == "call":
        result = await session.call_tool(tool, call_arguments, progress_callback=on_progress)
        report["result"] = result_json(result)
        report["progress"] = progress
        return report
    if scenario == "cancel":
        first_progress = anyio.Event()

        async def on_first_progress(value, total, message):
            progress.append(message)
            first_progress.set()

        outcome = {"finished": False}
        async with anyio.create_task_group() as group:
            async def slow_call():
                with anyio.CancelScope() as scope:
                    outcome["scope"] = scope
                    await session.call_tool(tool, call_arguments, progress_callback=on_first_progress)
                    outcome["finished"] = True

            group.start_soon(slow_call)
            with anyio.fail_after(120):
                await first_progress.wait()
            outcome["scope"].cancel()
        report["cancelledCallFinished"] = outcome["finished"]
        report["progressBeforeCancel"] = len(progress)
        second = await session.call_tool(tool, json.loads(arguments[2]))
        report["result"] = result_json(second)
        return report
    raise SystemExit(f"unknown scenario {scenario}")


async def main():
    mode = sys.argv[1]
    if mode == "stdio":
        manifold, graph, scenario, arguments = sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:]
        server = StdioServerParameters(command=manifold, args=["serve", "--mcp", graph])
        async with stdio_client(server) as (read, write):
            async with ClientSession(read, write) as session:
                report = await exercise(session, scenario, arguments)
    else:
        url, scenario, arguments = sys.argv[2], sys.argv[3], sys.argv[4:]
        async with streamable_http_client(url) as (read, write):
            async with ClientSession(read, write) as session:
                report = await exercise(session, scenario, arguments)
    print(json.dumps(report))


anyio.run(main)
