"""Themes: Jinja2 templates and static assets, a site's own theme falling back to the default.

Loads templates and fingerprints assets; turns template errors into positioned SiteErrors.
"""

from __future__ import annotations

import functools
import hashlib
import re
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from generator.errors import BuildFailed, SiteError, suggestion

PACKAGE_DIR = Path(__file__).resolve().parent
DEFAULT_THEME_DIR = PACKAGE_DIR.parent / "themes" / "default"
# a folder name: no separators, not '.' or '..', nothing absolute
_THEME_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]*")


@dataclass(frozen=True, slots=True)
class Asset:
    source: Path
    output: str  # path in the output folder, e.g. 'assets/style.3f2a9c1b.css'
    data: bytes


@functools.lru_cache(maxsize=8)
def _environment(template_dirs: tuple[str, ...]) -> jinja2.Environment:
    """One environment per set of template folders, kept for the life of the process:
    compiled templates are reused by later builds (the preview server), and Jinja's
    auto_reload recompiles any template whose file changed."""
    return jinja2.Environment(
        loader=jinja2.ChoiceLoader([jinja2.FileSystemLoader(d) for d in template_dirs]),
        autoescape=jinja2.select_autoescape(["html", "xml"], default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=True,
    )


def theme_dirs(site_dir: Path, name: str) -> list[Path]:
    """The theme's folders in lookup order: the site's theme, then the default theme.

    ``name`` is the name of a folder under themes/, never a path."""
    available = sorted(p.name for p in (site_dir / "themes").glob("*") if p.is_dir())
    if not _THEME_NAME.fullmatch(name):
        close = suggestion(Path(name).name or name, [*available, "default"])
        raise BuildFailed(
            [
                SiteError(
                    "pyproject.toml",
                    message=f"theme {name!r} is not a folder name under themes/ "
                    "(a theme is named, not given as a path)",
                    hint=(close + " " if close else "")
                    + "themes here: "
                    + ", ".join(dict.fromkeys(["default", *available])),
                )
            ]
        )
    own = site_dir / "themes" / name
    if name != "default" and not own.is_dir():
        raise BuildFailed(
            [
                SiteError(
                    "pyproject.toml",
                    message=f"theme '{name}' not found in themes/",
                    hint=suggestion(name, [*available, "default"])
                    or "create themes/" + name + '/templates/ or use theme = "default"',
                )
            ]
        )
    dirs: list[Path] = []
    for folder in (own, site_dir / "themes" / "default", DEFAULT_THEME_DIR):
        if folder.is_dir() and folder.resolve() not in [d.resolve() for d in dirs]:
            dirs.append(folder)
    return dirs


def theme_digest(dirs: list[Path]) -> str:
    """Of every file of the theme folders: templates, assets, anything they hold."""
    digest = hashlib.blake2b(digest_size=16)
    for folder in dirs:
        digest.update(str(folder).encode() + b"\0")
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
                digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


class Theme:
    """The theme folders in lookup order and the Jinja environment over them."""

    def __init__(self, site_dir: Path, name: str, filters: dict[str, Callable[..., Any]]):
        self.site_dir = site_dir
        self.dirs = theme_dirs(site_dir, name)
        self.env = _environment(tuple(str(d / "templates") for d in self.dirs))
        self.env.filters.update(filters)
        self.assets = self._load_assets()
        self.digest = theme_digest(self.dirs)

    def display(self, filename: str | None) -> str:
        if not filename:
            return "<template>"
        path = Path(filename).resolve()
        for base in (self.site_dir.resolve(), DEFAULT_THEME_DIR.parent.parent):
            try:
                return path.relative_to(base).as_posix()
            except ValueError:
                continue
        return str(path)

    def _load_assets(self) -> dict[str, Asset]:
        """Static files by their name under static/, first theme folder wins."""
        assets: dict[str, Asset] = {}
        for folder in self.dirs:
            static = folder / "static"
            if not static.is_dir():
                continue
            for path in sorted(static.rglob("*")):
                if not path.is_file():
                    continue
                name = path.relative_to(static).as_posix()
                if name in assets:
                    continue
                data = path.read_bytes()
                # every asset is named by its content, so hosts may cache it forever
                digest = hashlib.sha256(data).hexdigest()[:10]
                stem = name[: -len(path.suffix)] if path.suffix else name
                output = f"assets/{stem}.{digest}{path.suffix}"
                assets[name] = Asset(path, output, data)
        return assets

    def template(self, name: str) -> jinja2.Template:
        try:
            return self.env.get_template(name)
        except jinja2.TemplateSyntaxError as exc:
            raise BuildFailed([self.syntax_error(exc)]) from None
        except jinja2.TemplateNotFound as exc:
            searched = ", ".join(self.display(str(d / "templates")) for d in self.dirs)
            raise BuildFailed(
                [
                    SiteError(
                        self.display(str(self.dirs[0] / "templates" / name)),
                        message=f"missing template '{exc.name}'",
                        hint=f"create it in one of: {searched}",
                    )
                ]
            ) from None

    def syntax_error(self, exc: jinja2.TemplateSyntaxError) -> SiteError:
        return SiteError(
            self.display(exc.filename),
            exc.lineno or 0,
            0,
            f"template syntax error: {exc.message}",
            "check the {% %} and {{ }} tags on this line",
        )

    def render(self, name: str, context: dict[str, Any]) -> str:
        """Render a template; a runtime error becomes BuildFailed at the template's line."""
        template = self.template(name)
        try:
            return template.render(context)
        except jinja2.TemplateSyntaxError as exc:
            raise BuildFailed([self.syntax_error(exc)]) from None
        except jinja2.TemplateNotFound as exc:
            raise BuildFailed(
                [
                    SiteError(
                        self.display(template.filename), message=f"missing template '{exc.name}'"
                    )
                ]
            ) from None
        except BuildFailed:
            raise
        except Exception as exc:  # a theme bug: report where it happened, not a traceback
            filename, line = template.filename, 0
            for frame in traceback.extract_tb(exc.__traceback__):
                if frame.filename.endswith((".html", ".xml", ".j2")):
                    filename, line = frame.filename, frame.lineno or 0
            raise BuildFailed(
                [
                    SiteError(
                        self.display(filename),
                        line,
                        0,
                        f"template error: {type(exc).__name__}: {exc}",
                        "fix the template; the default theme's templates show the variables",
                    )
                ]
            ) from None
