"""``dermsite serve``: build, serve with live reload, rebuild on every change until Ctrl-C."""

from __future__ import annotations

import argparse
import sys
import threading
import webbrowser

from generator.commands import add_site_argument
from generator.commands.build import add_setting_arguments, overrides_from
from generator.serve import CannotListen, PreviewServer, Snapshot


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "serve", help="build, serve and live-reload the site while you edit it"
    )
    add_site_argument(parser)
    add_setting_arguments(parser)
    parser.add_argument("--port", type=int, default=8000, help="port to listen on (default: 8000)")
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1, this machine)"
    )
    parser.add_argument("--drafts", action="store_true", help="include posts with draft: true")
    parser.add_argument("--open", action="store_true", help="open the site in a web browser")
    parser.set_defaults(func=run)


class Terminal:
    """Prints each build's outcome: errors in full, warnings when they change."""

    def __init__(self, stream=sys.stderr):
        self.stream = stream
        self.warnings: tuple = ()
        self.lock = threading.Lock()

    def __call__(self, snapshot: Snapshot) -> None:
        with self.lock:
            self.show(snapshot)

    def show(self, snapshot: Snapshot) -> None:
        out = self.stream
        after = f" after {_changes(snapshot.changes)}" if snapshot.changes else ""
        if snapshot.crash:
            print(snapshot.crash.rstrip(), file=out)
        if not snapshot.ok:
            for error in snapshot.errors:
                print(error.format(), file=out)
            count = sum(1 for e in snapshot.errors if e.kind == "error")
            print(
                f"build {snapshot.build} failed{after}: {count} error(s) in "
                f"{snapshot.seconds:.2f}s; the browser shows them until they are fixed",
                file=out,
                flush=True,
            )
            return
        report = snapshot.report
        assert report is not None
        if report.warnings != self.warnings:
            for warning in report.warnings:
                print(warning.format(), file=out)
            self.warnings = report.warnings
        print(
            f"build {snapshot.build}{after}: {report.pages} pages in {snapshot.seconds:.2f}s",
            file=out,
            flush=True,
        )


def _changes(paths: tuple[str, ...]) -> str:
    shown = ", ".join(paths[:3])
    return shown + (f" and {len(paths) - 3} more" if len(paths) > 3 else "")


def run(args: argparse.Namespace) -> int:
    server = PreviewServer(
        args.site,
        host=args.host,
        port=args.port,
        drafts=args.drafts,
        overrides=overrides_from(args),
        on_build=Terminal(),
    )

    def ready(url: str) -> None:
        print(f"Serving {url} (live reload on; Ctrl-C to stop)", flush=True)
        if args.open:
            threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start()

    try:
        server.serve_forever(on_ready=ready)
    except CannotListen as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print("stopped", flush=True)
    return 0
