"""The preview server behind ``dermsite serve``: build, watch, serve, live-reload.

One job per module: ``files`` maps URLs to built files, ``errorpage`` renders a failed
build, ``reload`` speaks the livereload protocol, ``builds`` builds into fresh folders,
``watch`` turns file-system events into bursts, ``server`` ties them together.
Nothing here prints; the ``serve`` command does.
"""

from generator.serve.builds import Snapshot
from generator.serve.server import CannotListen, PreviewServer

__all__ = ["CannotListen", "PreviewServer", "Snapshot"]
