"""The disk's own latency: one small record written and made durable with os.fdatasync, at a
steady pace, in a temporary file in the folder the benchmark database lives in.

Latency counts from when each write was due, as the engine's paced run counts it, so a write
that queues behind a slow one is not hidden. It is the floor under any durable reply.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

RECORD = b'{"learner": "l0", "count": 1}\n'


def fsync_latencies(folder: Path, rate: float, seconds: float) -> list[float]:
    """Seconds from due to durable for each of ``rate * seconds`` writes."""
    total = max(1, int(rate * seconds))
    latencies: list[float] = []
    with tempfile.NamedTemporaryFile(dir=folder, prefix="fsync-probe-") as file:
        fd = file.fileno()
        began = time.perf_counter()
        for k in range(total):
            due = began + k / rate
            delay = due - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            os.write(fd, RECORD)
            os.fdatasync(fd)
            latencies.append(time.perf_counter() - due)
    return latencies
