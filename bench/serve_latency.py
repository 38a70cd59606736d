"""Edit-to-reload latency of ``dermsite serve``: a post's file written → reload message received.

Runs the real server (a subprocess, on a free port of 127.0.0.1) on a copy of the sample site
and on a generated 1,000-post site (bench/generate_corpus.py), connects as a livereload
browser over its websocket, edits one post N times and reports p50 and p95.

    python bench/serve_latency.py                 # both sites, 20 edits each
    python bench/serve_latency.py --sites sample --edits 50
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tornado.websocket import websocket_connect

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from generate_corpus import generate  # noqa: E402

SAMPLE_PARTS = ("pyproject.toml", "content", "themes")


def copy_sample(root: Path) -> Path:
    root.mkdir(parents=True)
    for part in SAMPLE_PARTS:
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, root / part)
        elif source.is_file():
            shutil.copy2(source, root / part)
    return root


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


async def measure(site: Path, post: Path, edits: int, startup_timeout: float) -> dict:
    port = free_port()
    log = site.parent / f"serve-{port}.log"
    with log.open("w") as stderr:
        server = subprocess.Popen(
            [sys.executable, "-m", "generator", "serve", "--site", str(site), "--port", str(port)],
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
    try:
        deadline = time.monotonic() + startup_timeout
        line = ""
        while "Serving" not in line:
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit(f"server did not start:\n{log.read_text()}")
            line = await asyncio.to_thread(server.stdout.readline)
        socket_ = await websocket_connect(f"ws://127.0.0.1:{port}/livereload")
        await socket_.write_message(json.dumps({"command": "hello", "protocols": []}))
        await socket_.read_message()  # hello back
        url = f"http://127.0.0.1:{port}/"
        await socket_.write_message(json.dumps({"command": "info", "url": url, "plugins": {}}))
        await asyncio.sleep(0.3)
        original = post.read_text(encoding="utf-8")
        latencies = []
        for n in range(edits):
            text = original + f"\nEdit number {n} of the benchmark.\n"
            started = time.perf_counter()
            post.write_text(text, encoding="utf-8")
            while True:
                message = await asyncio.wait_for(socket_.read_message(), timeout=120)
                if message is None:
                    raise SystemExit("the server closed the websocket")
                if json.loads(message).get("command") == "reload":
                    break
            latencies.append(time.perf_counter() - started)
            await asyncio.sleep(0.3)  # separate edits: one build each
        post.write_text(original, encoding="utf-8")
        socket_.close()
        memory = peak_memory(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)
    output = log.read_text()
    builds = [
        float(s) for s in re.findall(r"^build \d+ (?:failed )?after .* in ([\d.]+)s", output, re.M)
    ]
    failed = len(re.findall(r"^build \d+ failed", output, re.M))
    pages = re.search(r"^build 1: (\d+) pages", output, re.M)
    return {
        "pages": int(pages.group(1)) if pages else 0,
        "latencies": latencies,
        "build_seconds": builds,
        "failed_builds": failed,
        "peak_mib": memory,
    }


def peak_memory(pid: int) -> float | None:
    """The server's peak resident memory so far (Linux VmHWM), in MiB."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    found = re.search(r"^VmHWM:\s+(\d+) kB", status, re.M)
    return int(found.group(1)) / 1024 if found else None


def report(name: str, result: dict) -> None:
    ms = [1000 * v for v in result["latencies"]]
    builds = [1000 * v for v in result["build_seconds"]]
    line = (
        f"{name}: {result['pages']} pages, {len(ms)} edits: "
        f"p50 {percentile(ms, 50):.0f} ms, p95 {percentile(ms, 95):.0f} ms "
        f"(min {min(ms):.0f}, max {max(ms):.0f})"
    )
    if len(builds) == len(ms):  # one build per edit: the rest is watching and publishing
        overhead = [total - build for total, build in zip(ms, builds, strict=True)]
        line += (
            f"; of which build_site: p50 {percentile(builds, 50):.0f} ms, "
            f"watch+publish: p50 {percentile(overhead, 50):.0f} ms"
        )
    if result["peak_mib"] is not None:
        line += f"; server peak RSS {result['peak_mib']:.0f} MiB"
    if result["failed_builds"]:
        line += f"; {result['failed_builds']} failed build(s)"
    print(line, flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sites", choices=("sample", "generated", "both"), default="both")
    parser.add_argument("--edits", type=int, default=20)
    parser.add_argument("--posts", type=int, default=1000, help="posts in the generated site")
    args = parser.parse_args()
    print(
        f"machine: {platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
    )
    with tempfile.TemporaryDirectory(prefix="dermsite-bench-") as tmp:
        if args.sites in ("sample", "both"):
            site = copy_sample(Path(tmp) / "sample")
            post = sorted((site / "content" / "posts").glob("*.md"))[0]
            report("sample site", asyncio.run(measure(site, post, args.edits, 60)))
        if args.sites in ("generated", "both"):
            site = Path(tmp) / "generated"
            generate(args.posts, site)
            post = site / "content" / "posts" / f"post-{args.posts // 2:05d}.md"
            report(
                f"generated {args.posts}-post site",
                asyncio.run(measure(site, post, args.edits, 600)),
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
