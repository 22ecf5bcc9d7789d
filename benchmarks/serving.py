"""Requests per second and p99 of the badge server, route by route, next to a bare aiohttp
handler answering the same paths with the same bytes, measured in the same run.

Badges are issued into a fresh data folder; then `questbot serve` (one process, then two
sharing the port), the bare handler and, when installed, nginx serving the same bytes as
files are each loaded with 64 keep-alive connections (wrk, or benchmarks/loadgen.py when wrk
is absent) cycling through the route's paths. Rounds are interleaved (every server once per
route per round) and the best round of each is reported, since other work on the machine
only ever makes a round slower.

    .venv/bin/python -m benchmarks.serving [--seconds 3] [--rounds 3]
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from benchmarks.figures import FULL, Figure, Scale, format_table
from questbot.app import load_settings
from questbot.app.badge_wiring import badge_services
from questbot.app.library import QuestLibrary
from questbot.domain import ConversationRef, Event, UserRef, parse_text
from questbot.engine import QuestEngine
from questbot.storage import open_store

ROOT = Path(__file__).resolve().parent.parent
CONNECTIONS = 64
P99_TARGET_MS = 25.0
WRK_SCRIPT = """
local paths = {}
for line in io.lines(os.getenv("QUESTBOT_BENCH_PATHS")) do paths[#paths + 1] = line end
local i = 0
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
"""
NGINX_TYPES = {"text/html": "html", "application/json": "json", "application/ld+json": "ld",
               "application/vc+ld+json": "vc", "image/png": "png"}


@dataclass(frozen=True)
class Route:
    name: str
    paths: tuple[str, ...]


@dataclass(frozen=True)
class Load:
    rps: float
    p99_ms: float


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def environment(folder: Path, port: int, workers: int = 1) -> dict[str, str]:
    return {**os.environ, "QUESTBOT_CONFIG": "", "QUESTBOT_DATA_DIR": str(folder / "data"),
            "QUESTBOT_QUESTS_DIR": str(ROOT / "quests"), "QUESTBOT_PORT": str(port),
            "QUESTBOT_BASE_URL": "http://127.0.0.1:8080", "QUESTBOT_RELOAD_INTERVAL": "0",
            "QUESTBOT_WEB_WORKERS": str(workers), "QUESTBOT_ADMINS": "bench:tutor",
            "QUESTBOT_LOG_LEVEL": "ERROR", "PYTHONPATH": os.pathsep.join(sys.path)}


async def seed(folder: Path, count: int) -> list[str]:
    """``count`` badges awarded and built as the bot does it; their award ids."""
    env = environment(folder, 0)
    settings = load_settings(environ={k: v for k, v in env.items() if k.startswith("QUESTBOT")})
    store = open_store(settings.database)
    await store.open()
    try:
        library = QuestLibrary(settings.quests_dir)
        library.load()
        badges, _ = badge_services(settings, store, library)  # the verifier is not started
        engine = QuestEngine(store, library.catalog, settings.engine_settings(), issuer=badges)
        tutor = UserRef("bench", "tutor")
        for n in range(count):
            text = f"/grant bench:learner{n} python-basics badge passed the course"
            await engine.handle(Event(f"g{n}", tutor, ConversationRef("bench", "dm"),
                                      parse_text(text, "bench")))
        await badges.issue_missing()
    finally:
        await store.close()
    with sqlite3.connect(next((folder / "data").glob("*.sqlite3"))) as db:
        return [row[0] for row in db.execute("SELECT award_id FROM credentials ORDER BY 1")]


def routes(award_ids: list[str]) -> list[Route]:
    return [
        Route("badge page", tuple(f"/badges/{a}" for a in award_ids)),
        Route("OB 2.0 assertion", tuple(f"/ob2/assertions/{a}" for a in award_ids)),
        Route("OB 3.0 credential", tuple(f"/ob3/credentials/{a}" for a in award_ids)),
        Route("badge class", ("/ob2/badges/python-basics.badge",)),
        Route("issuer", ("/ob2/issuer",)),
        Route("baked PNG", tuple(f"/badges/{a}/badge.png" for a in award_ids)),
        Route("certificate", tuple(f"/badges/{a}/certificate.png" for a in award_ids)),
    ]


@contextmanager
def process(command: list[str], env: dict[str, str], port: int,
            cwd: Path = ROOT) -> Iterator[None]:
    with tempfile.TemporaryFile() as log:
        started = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=log,
                                   cwd=cwd)
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    with socket.create_connection(("127.0.0.1", port), timeout=1):
                        break
                except OSError:
                    if started.poll() is not None or time.monotonic() > deadline:
                        log.seek(0)
                        raise RuntimeError(f"{command[0]} did not start: "
                                           f"{log.read().decode(errors='replace')}") from None
                    time.sleep(0.1)
            time.sleep(0.5)  # the other workers, if any
            yield
        finally:
            started.terminate()
            try:
                started.wait(15)
            except subprocess.TimeoutExpired:
                started.kill()
                started.wait()


def fetch_all(port: int, paths: list[str], folder: Path) -> dict[str, tuple[str, str]]:
    """Each path's bytes as questbot answers them, written to files: path -> (file, type)."""
    manifest: dict[str, tuple[str, str]] = {}
    for n, path in enumerate(paths):
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30) as answer:
            body, content_type = answer.read(), answer.headers.get_content_type()
        file = folder / f"{n}.{NGINX_TYPES.get(content_type, 'bin')}"
        file.write_bytes(body)
        manifest[path] = (str(file), content_type)
    return manifest


def warm(port: int, paths: list[str]) -> None:
    """Every path asked for twice (each worker's cache filled, most likely), then measured."""
    for path in paths * 2:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30) as got:
                got.read()
        except urllib.error.HTTPError as exc:
            raise RuntimeError(f"{path} answered {exc.code} on port {port}") from None


def nginx_config(folder: Path, port: int, manifest: dict[str, tuple[str, str]]) -> Path:
    entries = "\n".join(f"    {path} /{Path(file).name};" for path, (file, _) in manifest.items())
    types = "\n".join(f"    {kind} {ext};" for kind, ext in NGINX_TYPES.items())
    config = folder / "nginx.conf"
    config.write_text(f"""
worker_processes 1;
daemon off;
pid {folder}/nginx.pid;
error_log {folder}/nginx-error.log error;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  sendfile on;
  keepalive_requests 1000000;
  client_body_temp_path {folder}/tmp;
  proxy_temp_path {folder}/tmp;
  fastcgi_temp_path {folder}/tmp;
  uwsgi_temp_path {folder}/tmp;
  scgi_temp_path {folder}/tmp;
  types {{
{types}
  }}
  map $uri $file {{
{entries}
  }}
  server {{
    listen 127.0.0.1:{port};
    root {folder}/files;
    location / {{ try_files $file =404; }}
  }}
}}
""")
    return config


def load(port: int, route: Route, seconds: float, folder: Path) -> Load:
    paths = folder / "paths.txt"
    paths.write_text("\n".join(route.paths) + "\n")
    wrk = shutil.which("wrk")
    if wrk and seconds >= 1:  # wrk counts whole seconds
        script = folder / "paths.lua"
        script.write_text(WRK_SCRIPT)
        out = subprocess.run(
            [wrk, "-t1", f"-c{CONNECTIONS}", f"-d{max(seconds, 1):g}s", "--latency",
             "-s", str(script), f"http://127.0.0.1:{port}"],
            env={**os.environ, "QUESTBOT_BENCH_PATHS": str(paths)},
            capture_output=True, text=True, check=True).stdout
        return Load(float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1]),  # type: ignore[index]
                    _wrk_ms(re.search(r"99%\s+([\d.]+\w+)", out)[1]))  # type: ignore[index]
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.loadgen", "127.0.0.1", str(port), str(paths),
         str(seconds), str(CONNECTIONS)], capture_output=True, text=True, check=True,
        cwd=ROOT).stdout
    figures = json.loads(out)
    return Load(figures["rps"], figures["p99_ms"])


def _wrk_ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(\w+)", text).groups()  # type: ignore[union-attr]
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def measure(scale: Scale, before: Path | None = None
            ) -> tuple[dict[str, dict[str, Load]], list[str]]:
    """The best round of each server on each route; and notes (a reference skipped)."""
    notes: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        folder.chmod(0o755)  # nginx's workers run as another user, and read the files
        award_ids = asyncio.run(seed(folder, scale.serve_badges))
        chosen = routes(award_ids)
        files = folder / "files"
        files.mkdir()
        ports = {name: free_port()
                 for name in ("questbot", "bare", "nginx", "2 workers", "before")}
        serve = [sys.executable, "-m", "questbot", "serve"]
        best: dict[str, dict[str, Load]] = {}
        with ExitStack() as running:  # all at once: idle, they cost the others nothing
            running.enter_context(process(serve, environment(folder, ports["questbot"]),
                                          ports["questbot"]))
            manifest = fetch_all(ports["questbot"], [p for r in chosen for p in r.paths], files)
            (folder / "manifest.json").write_text(json.dumps(manifest))
            references = _references(scale, folder, ports, manifest, notes)
            for name, (command, env) in references.items():
                running.enter_context(process(command, env, ports[name]))
            if before is not None:  # another checkout's questbot, on the same data
                references["before"] = ([], {})
                env = {**environment(folder, ports["before"]), "PYTHONPATH": os.pathsep.join(
                    (str(before), str(before / "adapters"), *sys.path))}
                running.enter_context(process(serve, env, ports["before"], cwd=before))
            servers = ["questbot", *references]
            for name in servers:
                try:
                    warm(ports[name], list(manifest))
                except RuntimeError as exc:
                    raise RuntimeError(f"{name}: {exc}") from None
                best[name] = {}
            for _ in range(scale.serve_rounds):
                for route in chosen:
                    for name in servers:
                        got = load(ports[name], route, scale.serve_seconds, folder)
                        old = best[name].get(route.name)
                        best[name][route.name] = got if old is None else Load(
                            max(old.rps, got.rps), min(old.p99_ms, got.p99_ms))
        if not shutil.which("wrk") or scale.serve_seconds < 1:
            notes.append("load from benchmarks/loadgen.py (wrk is not installed, or the"
                         " runs are under a second)")
        return best, notes


def _references(scale: Scale, folder: Path, ports: dict[str, int],
                manifest: dict[str, tuple[str, str]], notes: list[str]
                ) -> dict[str, tuple[list[str], dict[str, str]]]:
    """What questbot is measured against: the bare handler; nginx and two workers too."""
    servers = {"bare": ([sys.executable, "-m", "benchmarks.bare_server",
                         str(folder / "manifest.json"), str(ports["bare"])], dict(os.environ))}
    if not scale.serve_references:
        return servers
    servers["2 workers"] = ([sys.executable, "-m", "questbot", "serve"],
                            environment(folder, ports["2 workers"], workers=2))
    nginx = shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None)
    if nginx:
        (folder / "tmp").mkdir()
        config = nginx_config(folder, ports["nginx"], manifest)
        servers["nginx"] = ([nginx, "-c", str(config), "-p", str(folder)], dict(os.environ))
    else:
        notes.append("nginx is not installed: its reference is skipped")
    return servers


def figures(scale: Scale = FULL, before: Path | None = None) -> list[Figure]:
    """Per route: questbot against the bare handler (target 0.8x), its p99 (under 25 ms),
    against nginx, and with two workers sharing the port."""
    best, notes = measure(scale, before)
    for note in notes:
        print(f"serving: {note}", file=sys.stderr)
    result: list[Figure] = []
    for route, bare in best["bare"].items():
        ours = best["questbot"][route]
        result.append(Figure(f"serve {route} (vs bare aiohttp)", ours.rps, bare.rps, "req/s",
                             target_ratio=0.8))
        result.append(Figure(f"serve {route}: p99 at {CONNECTIONS} connections (vs bare)",
                             ours.p99_ms, bare.p99_ms, "ms", higher_is_better=False,
                             target_below=P99_TARGET_MS))
        if "nginx" in best:
            result.append(Figure(f"serve {route} (vs nginx, same files)", ours.rps,
                                 best["nginx"][route].rps, "req/s"))
        if "before" in best:
            result.append(Figure(f"serve {route}, before (vs bare aiohttp)",
                                 best["before"][route].rps, bare.rps, "req/s"))
            result.append(Figure(f"serve {route}: p99, before (vs bare)",
                                 best["before"][route].p99_ms, bare.p99_ms, "ms",
                                 higher_is_better=False))
        if "2 workers" in best:
            result.append(Figure(f"serve {route}, 2 workers (vs bare aiohttp)",
                                 best["2 workers"][route].rps, bare.rps, "req/s"))
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=FULL.serve_seconds)
    parser.add_argument("--rounds", type=int, default=FULL.serve_rounds)
    parser.add_argument("--before", type=Path, metavar="CHECKOUT",
                        help="also measure the questbot of another checkout, in the same rounds")
    args = parser.parse_args()
    scale = dataclasses.replace(FULL, serve_seconds=args.seconds, serve_rounds=args.rounds)
    print(format_table(figures(scale, args.before)))


if __name__ == "__main__":
    main()
