"""What one burst of saves changed, sorted by what it asks of the next build: `gtm serve` makes
one per burst and hands it to `Builder.build`, as the only way it tells the pipeline anything."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from gtm.content.config import CONFIG_FILE
from gtm.content.project import Project, is_within
from gtm.content.reading import ASSETS_DIR


@dataclass(frozen=True)
class ChangeSet:
    """The files a burst touched, by kind: content (artifacts, brand, pages), templates (a
    theme's templates and settings), static files (a theme's `static/`, `content/assets/`)
    and the configuration."""

    content: frozenset[Path] = frozenset()
    templates: frozenset[Path] = frozenset()
    static: frozenset[Path] = frozenset()
    config: bool = False

    @classmethod
    def of(cls, project: Project, paths: Iterable[Path]) -> ChangeSet:
        content: set[Path] = set()
        templates: set[Path] = set()
        static: set[Path] = set()
        config = False
        themes = project.root / "themes"
        for path in paths:
            if path == project.root / CONFIG_FILE:
                config = True
            elif is_within(path, project.content_dir / ASSETS_DIR):
                static.add(path)
            elif is_within(path, themes):
                inside = path.relative_to(themes).parts
                (static if inside[1:2] == ("static",) else templates).add(path)
            else:
                content.add(path)
        return cls(frozenset(content), frozenset(templates), frozenset(static), config)

    @property
    def paths(self) -> frozenset[Path]:
        """Every file and folder the burst touched, but the configuration."""
        return self.content | self.templates | self.static
