"""Where templates and static files come from: the project's `themes/<name>/` first, then the
themes shipped with gtm. Nothing else is reachable from a template."""

from __future__ import annotations

import atexit
import sys
import tempfile
from collections.abc import Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from gtm.errors import ProjectError
from gtm.files import regular_files

BUILTIN_NAME = "default"
BUILTIN_PACKAGE = "gtm.themes"
"""The package the built-in themes ship in (its source is `themes/` at the top of the repo)."""


def installed_themes() -> Traversable:
    """The built-in themes as the import system sees them: a folder on disk for a wheel, an
    sdist or an editable install; a folder inside the archive when gtm is imported from a zip."""
    try:
        return resources.files(BUILTIN_PACKAGE)
    except ModuleNotFoundError:  # gtm's folder copied somewhere, not installed
        raise ProjectError(
            f"gtm's built-in themes ({BUILTIN_PACKAGE}) are not installed: install gtm with pip"
        ) from None


def builtin_themes(extracted: ExitStack | None = None) -> Path:
    """The built-in themes as a real folder, which Jinja's loader and the PDF workers need. An
    install on disk is used where it is; a zipped one is copied out into a temporary folder
    that lasts as long as `extracted`, or as long as the process when no stack is given."""
    themes = installed_themes()
    if isinstance(themes, Path):
        return themes
    owner = extracted if extracted is not None else _until_exit()
    return owner.enter_context(as_folder(themes))


def _until_exit() -> ExitStack:
    """A stack that is closed when the interpreter exits, for callers that own no stack."""
    stack = ExitStack()
    atexit.register(stack.close)
    return stack


def as_folder(folder: Traversable) -> AbstractContextManager[Path]:
    """A real folder with `folder`'s files for the length of the block: `as_file` does this
    from Python 3.12 on, or for a folder already on disk; Python 3.11 copies files only."""
    if sys.version_info >= (3, 12) or isinstance(folder, Path):
        return resources.as_file(folder)
    return _copied(folder)


@contextmanager
def _copied(folder: Traversable) -> Iterator[Path]:
    """What `as_file` does for a folder from Python 3.12: a temporary copy named like it."""
    with tempfile.TemporaryDirectory(prefix="gtm-") as temporary:
        target = Path(temporary) / folder.name
        _copy_tree(folder, target)
        yield target


def _copy_tree(source: Traversable, target: Path) -> None:
    target.mkdir()
    for child in source.iterdir():
        if child.is_dir():
            _copy_tree(child, target / child.name)
        else:
            (target / child.name).write_bytes(child.read_bytes())


@dataclass(frozen=True)
class Theme:
    """A theme's search path, child first: templates and static files are looked up in order."""

    name: str
    folders: tuple[Path, ...]

    @property
    def template_dirs(self) -> list[Path]:
        return [f / "templates" for f in self.folders if (f / "templates").is_dir()]

    @property
    def builtin_template_dir(self) -> Path:
        """The built-in theme's templates (`default:base.html`): the last folder is always it."""
        return self.folders[-1] / "templates"

    def static_files(self) -> dict[str, Path]:
        """Output name under `static/` → file; a child theme's file hides its parent's. Only
        regular files count, found without following a link: a link would publish whatever it
        points at."""
        found: dict[str, Path] = {}
        for folder in reversed(self.folders):
            found.update(regular_files(folder / "static").files)
        return dict(sorted(found.items()))

    def static_links(self) -> list[Path]:
        """The links in the theme's `static/` folders, which `static_files` leaves out."""
        return [link for folder in self.folders for link in regular_files(folder / "static").links]

    def file(self, name: str) -> Path | None:
        """A theme file such as `print.css`, child first."""
        for folder in self.folders:
            if (folder / name).is_file():
                return folder / name
        return None


def load_theme(root: Path, name: str, builtin: Path | None = None) -> Theme:
    """The theme called `name`: the project's own, the built-in one, or both (child first);
    the built-in one is always last. `builtin` is `builtin_themes()`, which whoever loads
    themes again and again resolves once, so that a zipped gtm's themes are copied out once."""
    folders = []
    own = root / "themes" / name
    if own.is_symlink() or own.parent.is_symlink():
        raise ProjectError(
            f"themes/{name} is a link: gtm reads a theme only from a real folder in themes/"
        )
    if own.is_dir():
        folders.append(own)
    builtin = builtin_themes() if builtin is None else builtin
    if (builtin / name).is_dir() and builtin / name != own:
        folders.append(builtin / name)
    if not folders:
        raise ProjectError(
            f"build.theme: there is no theme '{name}' in themes/ or among gtm's built-in themes"
        )
    if builtin / BUILTIN_NAME not in folders:
        folders.append(builtin / BUILTIN_NAME)
    return Theme(name, tuple(folders))
