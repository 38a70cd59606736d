"""The preview server: serves the latest build, rebuilds on changes, tells browsers to reload.

Threads: the event loop (HTTP, websockets, publishing builds), the watcher threads and one
builder thread. A build is published on the loop only once it is complete, so every response
comes from one finished build folder and every reload follows a finished build.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tornado import httpserver, netutil, web

from generator.serve.builds import Builder, Snapshot
from generator.serve.errorpage import render_error_page
from generator.serve.files import Lookup, content_type, lookup_file
from generator.serve.reload import (
    FULL_RELOAD,
    LiveReloadJSHandler,
    ReloadHub,
    ReloadSocket,
    with_reload_script,
)
from generator.serve.watch import SourceWatcher

OnBuild = Callable[[Snapshot], None]
# seconds without a change after a build before its garbage is collected (Builder.tidy)
TIDY_AFTER = 1.0
NOT_FOUND = b"<!doctype html>\n<html lang=en><head><title>Not found</title></head>\n" + (
    b"<body><h1>Not found</h1></body></html>\n"
)


def reload_paths(previous: Snapshot | None, current: Snapshot) -> tuple[str, ...]:
    """What the browsers should reload after ``current``: new stylesheets only, or the page."""
    if previous is None or not previous.ok or not current.ok:
        return (FULL_RELOAD,)
    if not current.changes or not all(is_stylesheet(path) for path in current.changes):
        return (FULL_RELOAD,)
    if previous.root is None or current.root is None or previous.prefix != current.prefix:
        return (FULL_RELOAD,)
    # Fingerprinted names change with content: the new names are the changed stylesheets.
    fresh = current.stylesheets - previous.stylesheets
    return tuple(current.prefix + name for name in sorted(fresh))


def is_stylesheet(source: str) -> bool:
    return source.startswith("themes/") and source.endswith(".css")


class CannotListen(Exception):
    """The address is taken or not ours to bind."""


class PreviewServer:
    """``dermsite serve``: build, serve at ``url``, rebuild and reload until ``stop()``."""

    def __init__(
        self,
        site_dir: Path,
        *,
        host: str = "127.0.0.1",
        port: int = 8000,
        drafts: bool = False,
        overrides: dict[str, Any] | None = None,
        on_build: OnBuild | None = None,
    ):
        self.site_dir = site_dir.resolve()
        self.host, self.port = host, port
        self.drafts = drafts
        self.overrides = dict(overrides or {})
        self.on_build = on_build or (lambda snapshot: None)
        self.hub = ReloadHub()
        self.snapshot: Snapshot | None = None  # read and replaced on the loop thread only
        self._changes: queue.Queue[set[Path]] = queue.Queue()
        self._halt = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopped: asyncio.Event | None = None

    @property
    def url(self) -> str:
        prefix = self.snapshot.prefix if self.snapshot else "/"
        return f"http://{_url_host(self.host)}:{self.port}{prefix}"

    def serve_forever(self, on_ready: Callable[[str], None] | None = None) -> None:
        """Run until ``stop()``, Ctrl-C or SIGTERM; always cleans up its build folders."""
        asyncio.run(self._main(on_ready))

    def stop(self) -> None:
        """Thread-safe; returns at once, the server stops shortly after."""
        self._halt.set()
        if self._loop is not None and self._stopped is not None:
            self._loop.call_soon_threadsafe(self._stopped.set)

    def notify(self, paths: set[Path]) -> None:
        """Sources changed (called by the watcher; also usable without one)."""
        self._changes.put(paths)

    async def _main(self, on_ready: Callable[[str], None] | None) -> None:
        self._loop = asyncio.get_running_loop()
        self._stopped = asyncio.Event()
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGINT, signal.SIGTERM):
                self._loop.add_signal_handler(sig, self.stop)
        try:  # bind first: a busy port fails before any build
            sockets = netutil.bind_sockets(self.port, address=self.host)
        except OSError as exc:
            raise CannotListen(f"cannot listen on {self.host}:{self.port}: {exc.strerror}") from exc
        self.port = sockets[0].getsockname()[1]  # the real one when asked for port 0
        http = httpserver.HTTPServer(self._application())
        http.add_sockets(sockets)
        builder = Builder(
            self.site_dir,
            origin=f"http://{_url_host(self.host)}:{self.port}",
            drafts=self.drafts,
            overrides=self.overrides,
        )
        watcher = SourceWatcher(self.site_dir, self.notify)
        building = threading.Thread(
            target=self._build_loop, args=(builder,), name="builder", daemon=True
        )
        try:
            watcher.start()  # before the first build, so no edit falls between the two
            self._publish(builder.build(None))
            self.on_build(self.snapshot)
            building.start()
            if on_ready:
                on_ready(self.url)
            if not self._halt.is_set():
                await self._stopped.wait()
        finally:
            self._halt.set()
            http.stop()
            self.hub.close_all()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(http.close_all_connections(), timeout=5)
            watcher.stop()
            if building.is_alive():
                building.join(timeout=5)
            builder.close()

    def _build_loop(self, builder: Builder) -> None:
        latest = self.snapshot
        built = time.monotonic()  # when the last build finished; None once tidied after it
        while not self._halt.is_set():
            try:
                changes = self._changes.get(timeout=0.2)
            except queue.Empty:
                # not right after a build: the browser is fetching the new page then
                if built is not None and time.monotonic() - built >= TIDY_AFTER:
                    builder.tidy()
                    built = None
                continue
            while True:  # everything that arrived meanwhile goes into this one build
                try:
                    changes |= self._changes.get_nowait()
                except queue.Empty:
                    break
            latest = builder.build(latest, changes)
            built = time.monotonic()
            if self._halt.is_set() or self._loop is None:
                return
            self._loop.call_soon_threadsafe(self._publish, latest)
            self.on_build(latest)

    def _publish(self, snapshot: Snapshot) -> None:
        previous, self.snapshot = self.snapshot, snapshot
        paths = reload_paths(previous, snapshot) if previous is not None else ()
        self.hub.broadcast(snapshot.build, paths)

    def _application(self) -> web.Application:
        return web.Application(
            [
                (r"/livereload", ReloadSocket, {"hub": self.hub}),
                (r"/livereload\.js", LiveReloadJSHandler),
                (r"/.*", SiteHandler, {"server": self}),
            ],
            compress_response=False,
            log_function=lambda handler: None,  # the terminal shows builds, not requests
        )


class SiteHandler(web.RequestHandler):
    """Answers from the published build: its files, or its error page while it fails."""

    def initialize(self, server: PreviewServer) -> None:
        self.server = server

    def compute_etag(self) -> None:
        return None  # no 304s: a reload must always get the page as it is now

    def get(self) -> None:
        snapshot = self.server.snapshot  # one snapshot per request: one complete build
        if snapshot is None:
            raise web.HTTPError(503)
        if snapshot.root is None:
            found = Lookup(404)
        else:
            found = lookup_file(snapshot.root, snapshot.prefix, self.request.path)
        if found.status == 301:
            self.redirect(found.location, permanent=True)
            return
        is_html = found.file is None or found.file.suffix == ".html"
        if is_html and not snapshot.ok:
            body = render_error_page(snapshot.errors).encode()
            self._send(500, "text/html; charset=utf-8", body, snapshot.build)
        elif found.file is None:
            self._send(404, "text/html; charset=utf-8", NOT_FOUND, snapshot.build)
        else:
            data = found.file.read_bytes()
            self._send(found.status, content_type(found.file), data, snapshot.build)

    def head(self) -> None:
        self.get()

    def _send(self, status: int, kind: str, body: bytes, build: int) -> None:
        if kind.startswith("text/html"):
            body = with_reload_script(body, build)
        self.set_status(status)
        self.set_header("Content-Type", kind)
        self.set_header("Cache-Control", "no-store")
        self.set_header("Content-Length", str(len(body)))
        if self.request.method != "HEAD":
            self.write(body)

    def write_error(self, status_code: int, **kwargs: object) -> None:
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.finish(f"{status_code} {self._reason}\n")


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host
