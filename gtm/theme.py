"""Where templates and static files come from: the project's `themes/<name>/` first, then the
themes shipped with gtm. Nothing else is reachable from a template."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from gtm.errors import ProjectError

BUILTIN_NAME = "default"


def builtin_themes() -> Path:
    """The installed themes (`gtm/themes` in a wheel, `themes/` in a checkout or editable)."""
    try:
        installed = Path(str(resources.files("gtm.themes")))
        if (installed / BUILTIN_NAME).is_dir():
            return installed
    except ModuleNotFoundError:
        pass
    return Path(__file__).resolve().parent.parent / "themes"


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
        return builtin_themes() / BUILTIN_NAME / "templates"

    def static_files(self) -> dict[str, Path]:
        """Output name under `static/` → file; a child theme's file hides its parent's."""
        found: dict[str, Path] = {}
        for folder in reversed(self.folders):
            static = folder / "static"
            if static.is_dir():
                for path in sorted(static.rglob("*")):
                    if path.is_file() and not path.is_symlink():
                        found[path.relative_to(static).as_posix()] = path
        return dict(sorted(found.items()))

    def file(self, name: str) -> Path | None:
        """A theme file such as `print.css`, child first."""
        for folder in self.folders:
            if (folder / name).is_file():
                return folder / name
        return None


def load_theme(root: Path, name: str) -> Theme:
    """The theme called `name`: the project's own, the built-in one, or both (child first)."""
    folders = []
    own = root / "themes" / name
    if own.is_dir():
        folders.append(own)
    builtin = builtin_themes()
    if (builtin / name).is_dir() and builtin / name != own:
        folders.append(builtin / name)
    if not folders:
        raise ProjectError(
            f"build.theme: there is no theme '{name}' in themes/ or among gtm's built-in themes"
        )
    if builtin / BUILTIN_NAME not in folders:
        folders.append(builtin / BUILTIN_NAME)
    return Theme(name, tuple(folders))
