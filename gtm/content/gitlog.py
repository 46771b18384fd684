"""The git processes behind the history reader: a constant few per read, whatever the size of the
repository (`rev-parse`, `ls-tree`, one `log`, one `cat-file --batch`, a `rev-list` to continue
a cached read), run with settings no git configuration can change, output parsed into tuples."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import IO, Any, NamedTuple

SETTINGS = (
    "core.quotepath=off",
    "color.ui=never",
    "log.showSignature=false",
    "log.showRoot=true",
    "log.decorate=false",
    "diff.renames=true",
    "diff.renameLimit=1000",
    "diff.relative=false",
    "i18n.logOutputEncoding=UTF-8",
    "core.pager=cat",
    "core.fsmonitor=false",
)
"""What a user's or a repository's configuration could change the output with, or start a
program by (`core.fsmonitor`, in `git status`): set back by `-c`, which wins over every file."""

REPOSITORY_ENVIRONMENT = (
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_COMMON_DIR",
    "GIT_INDEX_FILE",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_PREFIX",
    "GIT_SHALLOW_FILE",
    "GIT_GRAFT_FILE",
    "GIT_REPLACE_REF_BASE",
    "GIT_NO_REPLACE_OBJECTS",
    "GIT_CONFIG_PARAMETERS",
    "GIT_CONFIG_COUNT",
    "GIT_EXTERNAL_DIFF",
)
"""Variables that point git at another repository or inject settings (a git hook sets some of
them): left out, so that git finds the project's own repository from its folder."""

LOG_FORMAT = "--format=%H%x00%ct%x00%an%x00%s"

AHEAD = 256
"""Changes whose versions may be asked for before their answers are read: their 512 ids of 41
bytes at most never fill a pipe, so asking never waits for git, which writes each answer as
soon as it has it."""

MAX_BLOB = 1024 * 1024
"""Versions larger than a content file may be (1 MiB) are skipped, not read into memory."""


class GitMissing(Exception):
    """There is no `git` on the PATH, or it cannot be run."""


class NotARepository(Exception):
    """The folder is not in a git repository."""


class GitFailed(Exception):
    """git ran and failed: the message is the first line it wrote to stderr."""


class NotTrusted(Exception):
    """git refuses the repository: another user owns it (git's `safe.directory` rule). The
    message is the repository's folder, as git names it."""


@dataclass(frozen=True)
class Repository:
    """Where a project sits in its repository, and the commit HEAD names."""

    top: Path
    prefix: str
    """The project folder's path in the repository: "" or "site/docs/"."""
    head: str | None
    """None in a repository with no commit yet."""
    shallow: frozenset[str]
    """The commits whose parents a shallow clone does not have; empty in a full clone."""


class Change(NamedTuple):
    """One file in one commit's `--raw` output: status letter, paths and blob ids before and
    after (paths in the folder the log was read for; `old == new` unless renamed or copied)."""

    status: str
    old: str
    new: str
    old_blob: str
    new_blob: str


class Commit(NamedTuple):
    """One commit of the log, with committer time, author name and subject line."""

    sha: str
    timestamp: int
    author: str
    subject: str
    changes: tuple[Change, ...]


def git_environment() -> dict[str, str]:
    """The caller's environment (git needs HOME for `safe.directory`, PATH for its helpers), in
    the C locale, never prompting nor fetching what a partial clone lacks, and without the
    variables that redirect git elsewhere."""
    environment = {
        name: value for name, value in os.environ.items() if name not in REPOSITORY_ENVIRONMENT
    }
    quiet = {"GIT_TERMINAL_PROMPT": "0", "GIT_NO_LAZY_FETCH": "1", "GIT_PAGER": "cat"}
    environment.update(LC_ALL="C", LANGUAGE="C", GIT_OPTIONAL_LOCKS="0", **quiet)
    return environment


def git_command(*args: str) -> list[str]:
    """`git` with the global options and settings that make its output predictable."""
    settings = [part for setting in SETTINGS for part in ("-c", setting)]
    return ["git", "--no-pager", "--no-optional-locks", "--literal-pathspecs", *settings, *args]


def run_git(cwd: Path, *args: str, ok: tuple[int, ...] = (0,)) -> tuple[int, bytes]:
    """Runs one git command to its end: (exit status, stdout); GitFailed for a status not in
    `ok`, GitMissing when git cannot be started."""
    if shutil.which("git") is None:
        raise GitMissing("git is not installed")
    try:
        done = subprocess.run(
            git_command(*args),
            cwd=cwd,
            env=git_environment(),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            check=False,
        )
    except OSError as exc:
        raise GitMissing(f"git cannot be run ({exc.strerror})") from exc
    if done.returncode not in ok:
        raise GitFailed(_first_line(done.stderr) or f"git {args[0]} exited with {done.returncode}")
    return done.returncode, done.stdout


def _first_line(stderr: bytes) -> str:
    lines = stderr.decode("utf-8", "replace").strip().splitlines()
    return lines[0].strip() if lines else ""


DUBIOUS_OWNERSHIP = re.compile(r"dubious ownership in repository at '(.*)'")


def locate(root: Path) -> Repository:
    """The repository `root` is in, with one `git rev-parse`: NotARepository outside one."""
    if not root.is_dir():
        raise NotARepository(f"{root} is not a folder")
    args = ("--show-toplevel", "--show-prefix", "--is-shallow-repository", "--git-path", "shallow")
    try:
        status, out = run_git(root, "rev-parse", *args, "--verify", "-q", "HEAD", ok=(0, 1))
    except GitFailed as exc:
        if "not a git repository" in str(exc):
            raise NotARepository(str(exc)) from exc
        untrusted = DUBIOUS_OWNERSHIP.search(str(exc))
        if untrusted:
            raise NotTrusted(untrusted.group(1)) from exc
        raise
    lines = out.decode("utf-8", "surrogateescape").splitlines()
    if len(lines) != (5 if status == 0 else 4):
        raise GitFailed("git rev-parse gave an answer this reader does not understand")
    shallow: frozenset[str] = frozenset()
    if lines[2] == "true":
        try:
            shallow = frozenset((root / lines[3]).read_text(encoding="ascii").split())
        except (OSError, ValueError) as exc:
            raise GitFailed(f"the list of shallow commits cannot be read: {exc}") from exc
    head = lines[4] if status == 0 else None
    return Repository(Path(lines[0]), lines[1], head, shallow)


def tree_paths(repository: Repository, folder: str) -> set[str]:
    """Every file under `folder` ("" for the whole repository) in HEAD's tree, by its path in
    `folder`."""
    if repository.head is None:
        return set()
    inside = f"{folder}/" if folder else ""
    args = ("ls-tree", "-r", "-z", "--name-only", "--full-tree", repository.head)
    _, out = run_git(repository.top, *args, *(["--", inside] if inside else []))
    return {_path(name)[len(inside) :] for name in out.split(b"\0") if name}


def log_command(folder: str, head: str | None, since: str | None = None) -> list[str]:
    """The one `git log` of a read: every commit since `since` (or all), newest first (children
    always before their parents), with the blob ids and renames of its files in `folder`, by
    their path in `folder`. `--relative` rather than a pathspec: a pathspec would have git
    compare every commit with its parent twice (once to choose the commit, once to show it),
    and it would drop the commits of a branch whose merge took the other side."""
    revisions = f"{since}..{head or 'HEAD'}" if since else (head or "HEAD")
    options = ("-z", "--raw", "-M", "--no-abbrev", "--date-order", f"--relative={folder}/")
    plain = ("--no-color", "--no-ext-diff", "--no-textconv", "--no-notes")
    return git_command("log", *options[: 6 if folder else 5], *plain, LOG_FORMAT, revisions)


class LogReader:
    """One `git log` (see `log_command`), started at once and read as it writes, commit by
    commit, so that the caller works on the first commits while git finds the next ones."""

    def __init__(self, repository: Repository, folder: str, since: str | None = None) -> None:
        # git's errors go to a file, which never fills up and stops git as a pipe could
        self._errors = tempfile.TemporaryFile()  # noqa: SIM115 (closed by __exit__)
        command = log_command(folder, repository.head, since)
        process = _spawn(command, repository.top, stdout=subprocess.PIPE, stderr=self._errors)
        if process.stdout is None:
            raise GitFailed("git log has no pipe")
        self._process, self._pipe = process, process.stdout.fileno()
        _widen(self._pipe)

    def __enter__(self) -> LogReader:
        return self

    def __exit__(self, *_: object) -> None:
        _stop(self._process)
        self._errors.close()

    def __iter__(self) -> Iterator[Commit]:
        """The commits, newest first; GitFailed when git fails, after the ones it wrote."""
        yield from parse_log(_tokens(self._pipe))
        if self._process.wait():
            self._errors.seek(0)
            status = self._process.returncode
            raise GitFailed(_first_line(self._errors.read()) or f"git log exited with {status}")


def _tokens(pipe: int) -> Iterator[bytes]:
    """The NUL-separated tokens of a pipe, as its chunks arrive."""
    return chain.from_iterable(_token_lists(pipe))


def _token_lists(pipe: int) -> Iterator[list[bytes]]:
    rest = b""
    while chunk := os.read(pipe, 1 << 16):
        tokens = (rest + chunk).split(b"\0")
        rest = tokens.pop()
        yield tokens
    yield [rest] if rest else []


def parse_log(tokens: Iterator[bytes]) -> Iterator[Commit]:
    """`git log -z --raw` with LOG_FORMAT: after each commit's four fields come its files, each a
    `:mode mode blob blob status` token and one path (two for a rename or a copy)."""
    token = next(tokens, None)
    while token is not None:
        sha, timestamp, author, subject = token, _take(tokens), _take(tokens), _take(tokens)
        changes: list[Change] = []
        while (token := next(tokens, None)) is not None and token.lstrip(b"\n")[:1] == b":":
            _, _, old_blob, new_blob, status = token.decode("ascii").split(" ")
            old = _path(_take(tokens))
            new = _path(_take(tokens)) if status[0] in "RC" else old
            changes.append(Change(status[0], old, new, old_blob, new_blob))
        title = subject.decode("utf-8", "replace")
        commit = sha.strip(b"\n").decode("ascii")
        yield Commit(
            commit, int(timestamp), author.decode("utf-8", "replace"), title, tuple(changes)
        )


def _take(tokens: Iterator[bytes]) -> bytes:
    token = next(tokens, None)
    if token is None:
        raise GitFailed("git log ended in the middle of a commit")
    return token


def _path(raw: bytes) -> str:
    """A path as git wrote it (bytes, since -z leaves it unquoted), as the file system's str."""
    return raw.decode("utf-8", "surrogateescape")


def descendants_only(repository: Repository, base: str) -> bool:
    """Whether every commit in `base..HEAD` descends from `base` (a fast-forward: no branch
    that left the history before `base` was merged since), so that those commits all come
    before `base`'s own in the history."""
    if repository.head is None or repository.shallow:
        return False
    try:
        _, out = run_git(repository.top, "rev-list", "--parents", f"{base}..{repository.head}")
    except GitFailed:
        return False
    lines = [line.split() for line in out.decode("ascii").splitlines()]
    known = {line[0] for line in lines} | {base}
    return bool(lines) and all(parent in known for line in lines for parent in line[1:])


class BlobReader:
    """One `git cat-file --batch` for every blob a read needs, asked for and answered through
    its pipes: the caller asks ahead (at most AHEAD unanswered) and takes the answers in order,
    so git reads blobs while the caller compares them."""

    def __init__(self, top: Path) -> None:
        command = git_command("cat-file", "--batch")
        pipes = {"stdin": subprocess.PIPE, "stdout": subprocess.PIPE, "bufsize": 1 << 16}
        self._process = _spawn(command, top, **pipes)
        writer, reader = self._process.stdin, self._process.stdout
        if writer is None or reader is None:
            raise GitFailed("git cat-file has no pipes")
        self._writer, self._reader = writer, reader
        self._unsent = 0
        _widen(reader.fileno())

    def __enter__(self) -> BlobReader:
        return self

    def __exit__(self, *_: object) -> None:
        _stop(self._process)

    def ask(self, *blobs: str) -> None:
        """Asks for blobs; their answers come after those of the blobs asked for before."""
        try:
            self._writer.write("".join(f"{blob}\n" for blob in blobs).encode("ascii"))
            self._unsent += len(blobs)
            if self._unsent >= 16:
                self.send()
        except (OSError, ValueError) as exc:
            raise GitFailed(f"git cat-file stopped: {exc}") from exc

    def send(self) -> None:
        if self._unsent:
            self._unsent = 0
            self._writer.flush()

    def answer(self) -> bytes | None:
        """The next blob asked for: its bytes, or None when it is missing or over MAX_BLOB."""
        try:
            self.send()
            return _answer(self._reader)
        except (OSError, ValueError) as exc:
            raise GitFailed(f"git cat-file stopped: {exc}") from exc


def _spawn(command: list[str], cwd: Path, **streams: Any) -> subprocess.Popen[bytes]:
    """Starts a git process; GitMissing when there is no git to start."""
    if shutil.which("git") is None:
        raise GitMissing("git is not installed")
    try:
        return subprocess.Popen(command, cwd=cwd, env=git_environment(), **streams)
    except OSError as exc:
        raise GitMissing(f"git cannot be run ({exc.strerror})") from exc


def _widen(pipe: int) -> None:
    """A pipe of 1 MiB rather than 64 KiB where the system allows (Linux), so that git runs
    further ahead of this reader before it has to wait."""
    with suppress(ImportError, AttributeError, OSError):
        import fcntl

        fcntl.fcntl(pipe, fcntl.F_SETPIPE_SZ, 1 << 20)


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Closes a process's pipes and waits for it; one that does not end is killed."""
    for stream in (process.stdin, process.stdout):
        if stream is not None:
            with suppress(OSError):
                stream.close()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _answer(reader: IO[bytes]) -> bytes | None:
    """One answer of `cat-file --batch`: `<id> blob <size>`, the bytes and a newline, or
    `<id> missing`."""
    header = reader.readline().split()
    if len(header) != 3:
        if not header:
            raise GitFailed("git cat-file ended early")
        return None
    size = int(header[2])
    if size > MAX_BLOB:
        while size >= 0:
            chunk = reader.read(min(size + 1, 1 << 20))
            if not chunk:
                raise GitFailed("git cat-file ended early")
            size -= len(chunk)
        return None
    data = reader.read(size)
    if len(data) != size or reader.read(1) != b"\n":
        raise GitFailed("git cat-file ended early")
    return data
