"""A small HTTP/1.1 load generator for when wrk is not installed: N keep-alive connections
in one process, each sending the next path as soon as its last answer is read.

    python -m benchmarks.loadgen HOST PORT PATHS_FILE SECONDS CONNECTIONS

Prints one JSON line: requests per second and the 99th percentile latency in ms.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import sys
import time
from pathlib import Path


async def connection(host: str, port: int, paths: list[str], start: int, until: float,
                     latencies: list[float]) -> int:
    reader, writer = await asyncio.open_connection(host, port)
    done = 0
    for path in itertools.islice(itertools.cycle(paths), start, None):
        began = time.perf_counter()
        if began >= until:
            break
        writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
        head = await reader.readuntil(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n"):
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        await reader.readexactly(length)
        latencies.append(time.perf_counter() - began)
        done += 1
    writer.close()
    return done


async def run(host: str, port: int, paths: list[str], seconds: float, connections: int
              ) -> dict[str, float]:
    latencies: list[float] = []
    began = time.perf_counter()
    until = began + seconds
    counts = await asyncio.gather(*(connection(host, port, paths, n, until, latencies)
                                    for n in range(connections)))
    elapsed = time.perf_counter() - began
    latencies.sort()
    p99 = latencies[int(len(latencies) * 0.99)] if latencies else 0.0
    return {"rps": sum(counts) / elapsed, "p99_ms": p99 * 1000}


def main() -> None:
    host, port, paths_file, seconds, connections = sys.argv[1:6]
    paths = Path(paths_file).read_text().split()
    print(json.dumps(asyncio.run(run(host, int(port), paths, float(seconds),
                                     int(connections)))))


if __name__ == "__main__":
    main()
