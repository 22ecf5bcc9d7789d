"""The serving benchmark's baseline: a bare aiohttp handler answering each path with the
bytes questbot answered it with, from a dict (no headers of its own, no checks).

    python -m benchmarks.bare_server MANIFEST PORT [WORKERS]
"""

from __future__ import annotations

import json
import socket
import sys
from pathlib import Path

from aiohttp import web


def app_for(manifest: Path) -> web.Application:
    answers = {path: (Path(file).read_bytes(), content_type)
               for path, (file, content_type) in json.loads(manifest.read_text()).items()}

    async def answer(request: web.Request) -> web.Response:
        found = answers.get(request.path_qs)
        if found is None:
            return web.Response(status=404)
        return web.Response(body=found[0], content_type=found[1])

    app = web.Application()
    app.router.add_get("/{tail:.*}", answer)
    return app


def main() -> None:
    manifest, port = Path(sys.argv[1]), int(sys.argv[2])
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind(("127.0.0.1", port))
    web.run_app(app_for(manifest), sock=sock, access_log=None, print=None)


if __name__ == "__main__":
    main()
