"""The livereload protocol: livereload's websocket handler and client, driven by our builds.

Reloads are sent only by ``ReloadHub.broadcast`` after a build is published; livereload's
own watcher and its 3-second ``DEFAULT_RELOAD_TIME`` guard (in ``poll_tasks``) never run.
"""

from __future__ import annotations

import json
import logging

from livereload.handlers import LiveReloadHandler, LiveReloadJSHandler

__all__ = ["FULL_RELOAD", "LiveReloadJSHandler", "ReloadHub", "ReloadSocket", "with_reload_script"]

logger = logging.getLogger(__name__)
FULL_RELOAD = "*"  # any path not ending in .css makes livereload.js reload the page
HEAD_END = b"</head>"

# Injected into every HTML response. A livereload.js plugin tells the server, in the
# protocol's 'info' message, which build the page came from, so a page served just
# before a build and connected just after it is reloaded too. The plugin also swaps
# fingerprinted stylesheets (style.<hash>.css), which livereload.js cannot match by name.
SCRIPT = """<script>
(function () {
  var BUILD = %d;
  function unhashed(path) { return path.replace(/\\.[0-9a-f]{8,}(\\.css)$/i, "$1"); }
  function Plugin() {}
  Plugin.identifier = "dermsite";
  Plugin.version = "1";
  Plugin.prototype.analyze = function () { return {build: BUILD}; };
  Plugin.prototype.reload = function (path) {
    if (!/\\.css$/i.test(path)) return false;
    var found = false;
    document.querySelectorAll('link[rel~="stylesheet"]').forEach(function (link) {
      if (link.dataset.dermsiteStale) return;
      if (unhashed(new URL(link.href).pathname) !== unhashed(path)) return;
      found = true;
      link.dataset.dermsiteStale = "1";
      var fresh = link.cloneNode(false);
      fresh.href = path;
      fresh.onload = function () { link.remove(); };
      fresh.onerror = function () { location.reload(); };
      link.after(fresh);
    });
    if (!found) location.reload();
    return true;
  };
  window.LiveReloadPluginDermsite = Plugin;
  var port = location.port || (location.protocol == "https:" ? 443 : 80);
  var s = document.createElement("script");
  s.src = "//" + location.hostname + ":" + port + "/livereload.js?port=" + port;
  document.head.appendChild(s);
})();
</script>
"""


def with_reload_script(html: bytes, build: int) -> bytes:
    """``html`` with the live-reload client before its first ``</head>``."""
    script = (SCRIPT % build).encode()
    if HEAD_END in html:
        return html.replace(HEAD_END, script + HEAD_END, 1)
    return html + script


class ReloadHub:
    """The browsers connected to one server, and the build they should be showing.

    Lives on the server's event loop: call its methods from that thread only.
    """

    def __init__(self) -> None:
        self.waiters: set[ReloadSocket] = set()
        self.build = 0

    def register(self, socket: ReloadSocket, page_build: object) -> None:
        self.waiters.add(socket)
        if isinstance(page_build, int) and page_build != self.build:
            # The page was served before the latest build and missed its reload.
            socket.send_reload(FULL_RELOAD)

    def broadcast(self, build: int, paths: tuple[str, ...] = (FULL_RELOAD,)) -> None:
        """Tell every browser that ``build`` is out: reload ``paths`` (stylesheets) or all."""
        self.build = build
        for socket in list(self.waiters):
            for path in paths:
                socket.send_reload(path)

    def close_all(self) -> None:
        for socket in list(self.waiters):
            socket.close()
        self.waiters.clear()


class ReloadSocket(LiveReloadHandler):
    """livereload's websocket handler, with its waiters kept per server instead of per class."""

    def initialize(self, hub: ReloadHub) -> None:
        self.hub = hub

    def on_message(self, message: str | bytes) -> None:
        super().on_message(message)  # livereload's handshake ('hello')
        data = json.loads(message)
        if data.get("command") == "info":
            LiveReloadHandler.waiters.discard(self)  # registered there by the base class
            plugin = (data.get("plugins") or {}).get("dermsite") or {}
            self.hub.register(self, plugin.get("build"))

    def on_close(self) -> None:
        LiveReloadHandler.waiters.discard(self)
        self.hub.waiters.discard(self)

    def send_reload(self, path: str) -> None:
        """The message livereload's ``reload_waiters`` sends, without its timing guard."""
        message = {"command": "reload", "path": path, "liveCSS": True, "liveImg": True}
        try:
            self.write_message(json.dumps(message))
        except Exception:  # a socket closing mid-send; the browser reconnects on its own
            logger.debug("reload message not sent", exc_info=True)
            self.hub.waiters.discard(self)
