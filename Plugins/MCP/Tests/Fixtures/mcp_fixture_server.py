"""An MCP server for the mcp node's tests, written with the official Python SDK.

Run as `python3 mcp_fixture_server.py [--fail-at-start | --hang-at-start | --http PORT]`. It appends what
it saw (starts, cancellations) to the file named by MCP_FIXTURE_EVENTS, one line each, so a
test can read what happened on the server's side.
"""

import asyncio
import os
import sys
import time
from typing import TypedDict

# Before importing the SDK, which takes a while: a failing start fails at once.
if "--fail-at-start" in sys.argv:
    print("fixture: cannot start: the API token is missing", file=sys.stderr, flush=True)
    sys.exit(2)
if "--hang-at-start" in sys.argv:
    time.sleep(3600)

from mcp.server.mcpserver import Context, MCPServer  # noqa: E402
from mcp.server.mcpserver.exceptions import ToolError  # noqa: E402


def record(event: str) -> None:
    path = os.environ.get("MCP_FIXTURE_EVENTS")
    if path:
        with open(path, "a") as events:
            events.write(event + "\n")


server = MCPServer("fixture")
record(f"started {os.getpid()}")


@server.tool(description="Returns its text.")
def echo(text: str) -> str:
    return text


@server.tool(description="Waits, then says how long it waited.")
async def slow(seconds: float) -> str:
    record("began slow")
    try:
        await asyncio.sleep(seconds)
    except asyncio.CancelledError:
        record("cancelled slow")
        raise
    return f"waited {seconds}"


@server.tool(description="Ends the server at once, as a crash would.")
def crash() -> str:
    print("fixture: crashing on purpose", file=sys.stderr, flush=True)
    os._exit(3)


@server.tool(description="The server's process id.")
def pid() -> int:
    return os.getpid()


@server.tool(description="Fails with the given message.")
def fail(message: str) -> str:
    raise ToolError(message)


class Weather(TypedDict):
    city: str
    celsius: float
    sky: str


@server.tool(description="The weather in a city, as structured content.")
def weather(city: str) -> Weather:
    return {"city": city, "celsius": 21.5, "sky": "clear"}


@server.tool(description="Offers one more tool, named as given, and says the tools changed.")
async def add_tool(name: str, ctx: Context) -> str:
    def added(text: str) -> str:
        return f"{name}: {text}"

    server.add_tool(added, name=name, description=f"Added at run time as {name}.")
    await ctx.session.send_tool_list_changed()
    return f"added {name}"


@server.tool(description="Writes the environment variable's value, or (unset).")
def env(name: str) -> str:
    return os.environ.get(name, "(unset)")


@server.tool(description="The value of the HTTP request header, or (none) (always on stdio).")
def header(name: str, ctx: Context) -> str:
    headers = ctx.headers or {}
    return headers.get(name.lower()) or headers.get(name) or "(none)"


if __name__ == "__main__":
    if "--http" in sys.argv:
        # Streamable HTTP on 127.0.0.1:PORT/mcp instead of stdio.
        port = int(sys.argv[sys.argv.index("--http") + 1])
        server.run(transport="streamable-http", host="127.0.0.1", port=port)
    else:
        server.run(transport="stdio")
