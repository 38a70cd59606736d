"""The page the preview shows while a build fails: every error with its position and hint.

Pure: errors in, one escaped, self-contained HTML document out (no theme, no assets).
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from generator.errors import SiteError

STYLE = """\
body{margin:0;font:16px/1.5 system-ui,sans-serif;background:#2b0b0e;color:#fbeaea}
main{max-width:60rem;margin:0 auto;padding:2rem 1.5rem}
h1{margin:0 0 .25rem;font-size:1.6rem}
ol{padding:0;list-style:none}
li{margin:1rem 0;padding:1rem;border-left:4px solid #ff6b6b;background:#3d1216}
code{font:14px/1.4 ui-monospace,monospace;color:#ffd0d0}
.message{margin:.35rem 0 0;font-weight:600}
.hint{margin:.35rem 0 0;color:#f3c9c9}
.note{color:#f3c9c9}"""


def render_error_page(errors: Sequence[SiteError]) -> str:
    """A valid HTML page listing ``errors`` as path:line:col, message and hint."""
    count = sum(1 for e in errors if e.kind == "error") or len(errors)
    items = "\n".join(_item(error) for error in errors)
    noun = "error" if count == 1 else "errors"
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Build failed: {count} {noun}</title>
<style>
{STYLE}
</style>
</head>
<body>
<main id="dermsite-build-errors" role="alert">
<h1>Build failed: {count} {noun}</h1>
<p class="note">The preview shows the site again by itself once the build succeeds.</p>
<ol>
{items}
</ol>
</main>
</body>
</html>
"""


def _item(error: SiteError) -> str:
    hint = f'\n<p class="hint">hint: {escape(error.hint)}</p>' if error.hint else ""
    return (
        f'<li class="{escape(error.kind)}"><code>{escape(error.location())}</code> '
        f"{escape(error.kind)}"
        f'\n<p class="message">{escape(error.message)}</p>{hint}</li>'
    )
