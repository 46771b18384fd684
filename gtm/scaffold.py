"""`gtm init` (a small working project) and `gtm new` (an artifact file with every field present
and explained, generated from the model so it can never fall behind the spec)."""

from __future__ import annotations

import typing
from collections.abc import Iterator
from datetime import date
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from gtm.content.fields import field_shapes
from gtm.content.kinds import KINDS, Kind
from gtm.content.model import Record
from gtm.content.project import Project
from gtm.content.project import today as project_today
from gtm.content.scalars import SLUG, slug_for
from gtm.diagnostics import did_you_mean
from gtm.errors import UsageError
from gtm.site.link import RESERVED_PAGE_IDS


def _words(kind: Kind) -> set[str]:
    """Every name the portal and the PDFs use for a kind, singular and plural, as `gtm new`
    takes it (lower case, `-` between words)."""
    names = {kind.name, kind.singular, kind.label, kind.title, *kind.words}
    if kind.document is not None:
        names.add(kind.document.label)
    names |= {f"{name}s" for name in names if not name.endswith("s")}
    return {"-".join(name.lower().split()) for name in names}


KIND_ALIASES = {word: name for name, kind in KINDS.items() for word in sorted(_words(kind))}


def starter() -> Traversable:
    """The starter project: package data, read through importlib.resources so that it is found
    in a wheel, an sdist or editable install, and a zip alike."""
    return resources.files("gtm") / "starter"


def starter_files(folder: Traversable | None = None) -> dict[str, bytes]:
    """Project-relative path → bytes of the starter project (gtm's own unless `folder`)."""
    return dict(sorted(_files_under(starter() if folder is None else folder, "")))


def _files_under(folder: Traversable, prefix: str) -> Iterator[tuple[str, bytes]]:
    for child in folder.iterdir():
        if child.is_dir():
            if child.name != "__pycache__":
                yield from _files_under(child, f"{prefix}{child.name}/")
        else:
            yield f"{prefix}{child.name}", child.read_bytes()


STARTER_OWNER = b"\nowner: Product Marketing\n"


def init_project(directory: Path, today: date | None = None) -> list[Path]:
    """Writes the starter project into `directory`; refuses if any of its files exist. Its
    artifacts say they were reviewed `today`, so a new project's health page is clear."""
    stamp = f"reviewed: {(today or project_today()).isoformat()}\n".encode()
    files = {
        name: data.replace(STARTER_OWNER, STARTER_OWNER + stamp, 1)
        for name, data in starter_files().items()
    }
    existing = [name for name in files if (directory / name).exists()]
    if existing:
        raise UsageError(
            f"'{directory}' already has {', '.join(existing[:3])}"
            + (" and more" if len(existing) > 3 else "")
            + ": nothing was written"
        )
    blocked = _not_a_folder({(directory / name).parent for name in files})
    if blocked is not None:
        raise UsageError(f"'{blocked}' is a file where gtm init puts a folder: nothing was written")
    written = []
    for name, data in files.items():
        target = directory / name
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        except OSError as exc:
            raise UsageError(f"cannot write {target}: {exc.strerror or exc}") from None
        written.append(target)
    ignore = _ignore_generated(directory / ".gitignore")
    return written + ([ignore] if ignore else [])


def _not_a_folder(folders: set[Path]) -> Path | None:
    """The first path on the way to one of `folders` that exists but is not a folder."""
    for folder in sorted(folders):
        for step in (*reversed(folder.parents), folder):
            if step.exists() and not step.is_dir():
                return step
    return None


GENERATED = ("/output/", "/.gtm-cache/", "/.output.*")
"""gtm keeps its cache outside the project now, but `.gtm-cache/` stays ignored: the GitLab
recipe restores its CI cache there, and earlier versions of gtm kept their cache there."""


def _ignore_generated(gitignore: Path) -> Path | None:
    """Keeps the build output and the PDF cache out of git, adding to a .gitignore that is
    already there rather than refusing it."""
    text = gitignore.read_text(encoding="utf-8") if gitignore.is_file() else ""
    missing = [line for line in GENERATED if line not in text.splitlines()]
    if not missing:
        return None
    prefix = "" if not text or text.endswith("\n") else "\n"
    gitignore.write_text(
        text + prefix + "# written by gtm build\n" + "\n".join(missing) + "\n", encoding="utf-8"
    )
    return gitignore


def resolve_kind(word: str) -> str:
    """The kind a word names: `persona`, `Personas`, `battlecard`, `guide`, `message house`."""
    key = "-".join(word.lower().replace("_", " ").split())
    kind = KIND_ALIASES.get(key)
    if kind is None:
        hint = did_you_mean(key, KIND_ALIASES)
        raise UsageError(f"unknown kind '{word}'{hint}; kinds are {', '.join(KINDS)}")
    return kind


def new_artifact(project: Project, word: str, ident: str, today: date) -> Path:
    """Writes `content/<kind>/<id>.yaml` (or `.md`) from the model; refuses an existing id."""
    kind = resolve_kind(word)
    if not SLUG.match(ident):
        raise UsageError(
            f"'{ident}' is not a valid id: use lower-case letters, digits and '-', "
            f"starting with a letter or digit (at most 64), like '{slug_for(ident)}'"
        )
    if kind == "pages" and ident in RESERVED_PAGE_IDS:
        raise UsageError(f"a page cannot be called '{ident}': the portal uses that name")
    folder = project.content_dir / kind
    for suffix in (".yaml", ".yml", ".md"):
        if (folder / f"{ident}{suffix}").exists():
            raise UsageError(f"{kind}/{ident}{suffix} already exists: choose another id")
    suffix = ".md" if KINDS[kind].markdown else ".yaml"
    path = folder / f"{ident}{suffix}"
    text = artifact_template(project, kind, ident, today)
    blocked = _not_a_folder({folder})
    if blocked is not None:
        raise UsageError(f"'{project.relative(blocked)}' is a file where gtm new puts a folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write {project.relative(path)}: {exc.strerror}") from None
    return path


def artifact_template(project: Project, kind: str, ident: str, today: date) -> str:
    template = _Template(project, today)
    fields = template.lines(KINDS[kind].model, ident, indent="", skip_body=KINDS[kind].markdown)
    header = [
        f"# A new {KINDS[kind].singular}: every field is listed with what it is for.",
        "# Required fields have placeholders to replace; leave the others empty or delete them.",
        "# It starts as a draft, so builds leave it out until you set status: approved.",
    ]
    if not KINDS[kind].markdown and (project.root / "schemas" / f"{kind}.schema.json").exists():
        header.insert(0, f"# yaml-language-server: $schema=../../schemas/{kind}.schema.json")
    if kind == "pages":
        return "---\n" + "\n".join(header + fields) + "\n---\n\nTODO: write the page in Markdown.\n"
    if kind == "launches":
        brief = "\n# Launch brief\n\nTODO: the brief in Markdown.\n"
        return "---\n" + "\n".join(header + fields) + "\n---\n" + brief
    return "\n".join(header + fields) + "\n"


class _Template:
    """Writes YAML lines for a model: a comment per field, then the field with a placeholder."""

    def __init__(self, project: Project, today: date) -> None:
        self.project = project
        self.today = today

    def lines(
        self, model: type[BaseModel], ident: str, indent: str, skip_body: bool = False
    ) -> list[str]:
        lines: list[str] = []
        for shape in field_shapes(model):
            if shape.name == "body" and skip_body:
                continue
            info = model.model_fields[shape.name]
            lines.append(f"{indent}# {_describe(shape.name, info)}")
            if shape.record is not None and shape.prose is not None:
                lines.extend(self.text_or_record(shape.name, shape.record, shape.is_list, indent))
                continue
            if shape.record is not None:
                lines.extend(self.records(shape.name, shape.record, info, ident, indent))
                continue
            value = self.placeholder(shape.name, info, shape.ref.kind if shape.ref else None, ident)
            if shape.is_list and info.is_required():
                lines.extend([f"{indent}{shape.name}:", f"{indent}  - {value}"])
            elif shape.is_list:
                lines.append(f"{indent}{shape.name}: []")
            else:
                lines.append(f"{indent}{shape.name}: {value}".rstrip())
        return lines

    def text_or_record(
        self, name: str, record: type[Record], is_list: bool, indent: str
    ) -> list[str]:
        """A proof: left empty, with the record form (a claim with its source) as a commented
        example, since a bare text is allowed but a sourced claim is better."""
        example = [line for line in self.lines(record, "claim", "") if not line.startswith("#")]
        first, rest = ("   - ", "     ") if is_list else ("   ", "   ")
        return [
            f"{indent}{name}: []" if is_list else f"{indent}{name}:",
            f"{indent}# Text, or a claim with its source, for example:",
            f"{indent}# {name}:",
            *(f"{indent}#{first if i == 0 else rest}{line}" for i, line in enumerate(example)),
        ]

    def records(
        self, name: str, record: type[Record], info: FieldInfo, ident: str, indent: str
    ) -> list[str]:
        """Required lists get their minimum of records; optional ones a commented example."""
        count = max([0, *(getattr(m, "min_length", 0) or 0 for m in info.metadata)])
        if count == 0:
            lines = self.lines(record, f"{ident}-1", "")
            example = [line for line in lines if not line.startswith("#")]
            return [f"{indent}{name}: []", f"{indent}# For example:", f"{indent}# {name}:"] + [
                f"{indent}#   {'- ' if i == 0 else '  '}{line}" for i, line in enumerate(example)
            ]
        lines = [f"{indent}{name}:"]
        for number in range(1, count + 1):
            record_lines = self.lines(record, f"{ident}-{number}", indent + "    ")
            record_lines[0] = f"{indent}  - {record_lines[0].strip()}"
            lines.extend(record_lines)
        return lines

    def placeholder(self, name: str, info: FieldInfo, ref_kind: str | None, ident: str) -> str:
        if name == "status":
            return "draft"
        if not info.is_required():
            return ""
        if ref_kind is not None:
            folder = self.project.content_dir / ref_kind
            ids = sorted(p.stem for p in folder.glob("*") if p.suffix in (".yaml", ".yml", ".md"))
            return ids[0] if ids else f"TODO-{KINDS[ref_kind].singular.replace(' ', '-')}-id"
        choices = _choices(info.annotation)
        if choices:
            return str(choices[-1] if name == "tier" else choices[0])
        if name == "id":
            return ident
        if name == "name":
            return ident.replace("-", " ").title()
        if name == "date":
            return self.today.isoformat()
        return "TODO"


def _describe(name: str, info: FieldInfo) -> str:
    parts = [info.description or name.replace("_", " ").capitalize()]
    choices = _choices(info.annotation)
    if choices:
        parts.append("one of: " + ", ".join(str(c) for c in choices))
    if info.is_required():
        parts.append("required")
    elif info.default not in (None, PydanticUndefined) and not isinstance(info.default, list):
        parts.append(f"default: {str(info.default).lower()}")
    else:
        parts.append("optional")
    return "; ".join(parts)


def _choices(annotation: Any) -> list[Any]:
    pending = [annotation]
    while pending:
        tp = pending.pop()
        if typing.get_origin(tp) is Literal:
            return list(typing.get_args(tp))
        pending.extend(typing.get_args(tp))
    return []
