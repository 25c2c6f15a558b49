"""Find the input files under SRC: a walk with os.scandir, sorted by relative path, hidden skipped.

A symbolic link to a folder is followed only when it leads to a folder not read yet (by device and
inode), and only after the real tree under SRC: so a link back into SRC, or a loop, is never
followed, and a folder outside SRC is read once, under the first link to it in path order. Links to
files are listed as files, and so are broken or looping ones, which the reader then rejects.
Every file is listed, whatever its name (the reader rejects those it cannot read), except those
--include / --exclude leave out on purpose: a glob is matched against the path relative to SRC
(`*` crosses folders: `*.parquet`, `2024/*`) and, without a `/`, against the file name too.
The files that describe a dataset saved with `save_to_disk` (`state.json`...) are not inputs:
its `.arrow` shards are (cleanse.formats.arrow).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path

from cleanse.errors import InputError
from cleanse.formats.arrow import layout_files
from cleanse.formats.registry import check_single_input, require_extras
from cleanse.remote import RemoteFile, is_remote, list_remote

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class InputFile:
    """An input found under SRC: its path, its POSIX path relative to SRC (the file name when SRC
    is a file), for a folder that could not be listed, the OSError that stopped it, and whether
    it is SRC itself (`given`: a named pipe is then read, not refused)."""

    path: Path | RemoteFile  # a RemoteFile for a file on a remote store
    rel: str
    error: OSError | None = None
    given: bool = False


def input_kind(path: Path) -> str:
    """The format a file name claims (`txt`, `jsonl`, `parquet`...), else raise InputError naming
    the endings cleanse reads."""
    return check_single_input(path).format.name


def list_inputs(
    src: str | Path, include: Sequence[str] = (), exclude: Sequence[str] = ()
) -> list[InputFile]:
    """Input files under a folder (sorted by relative path, hidden entries skipped), or the file.

    Broken and looping links are listed (reading them reports the problem), and so are
    sub-folders that cannot be opened, with their error. SRC itself must be readable. A file
    that needs an extra that is not installed (pyarrow for Parquet...) fails here, before any
    work, with MissingExtraError. A URL (`s3://bucket/prefix/`) is listed on its store
    (cleanse.remote); its InputFiles hold a RemoteFile as their path.
    """
    if is_remote(src):
        found = list_remote(str(src), include, exclude)
        require_extras(f.path.name for f in found)
        return found
    src = Path(src)
    if not src.exists():
        msg = f"{src}: no such file or folder"
        raise InputError(msg)
    if not src.is_dir():
        input_kind(src)
        found = [InputFile(src, src.name, given=True)]
    else:
        walked = sorted(_walk(src), key=lambda found: found.rel.split("/"))
        found = [f for f in walked if f.error is not None or chosen(f.rel, include, exclude)]
        if len(found) < len(walked):
            logger.info("%d files left out by --include / --exclude", len(walked) - len(found))
    require_extras(f.path.name for f in found if f.error is None)
    return found


def chosen(rel: str, include: Sequence[str] = (), exclude: Sequence[str] = ()) -> bool:
    """True when a file is read: it matches an include glob (if any) and no exclude glob.

    >>> chosen("2024/a.parquet", ["*.parquet"]), chosen("a/b.txt", exclude=["a/*"])
    (True, False)
    >>> chosen("notes/readme.md", exclude=["readme.md"])
    False
    """

    def matches(pattern: str) -> bool:
        name = rel.rsplit("/", 1)[-1]
        return fnmatchcase(rel, pattern) or ("/" not in pattern and fnmatchcase(name, pattern))

    if include and not any(matches(p) for p in include):
        return False
    return not any(matches(p) for p in exclude)


def _walk(root: Path) -> list[InputFile]:
    """The inputs under root, unordered; links to folders wait until the real tree is read."""
    seen: set[tuple[int, int]] = set()
    folders: list[tuple[Path, str]] = [(root, "")]
    links: list[tuple[Path, str]] = []
    found: list[InputFile] = []
    while folders or links:
        path, rel = folders.pop() if folders else _next_link(links)
        try:
            if not _first_visit(path, seen):
                logger.debug("%s: not followed, it leads to a folder already read", rel)
                continue
            entries = _scan(path)
        except OSError as exc:
            if not rel:
                cause = exc.strerror or exc
                msg = f"{root}: cannot list this folder ({cause}); check its permissions"
                raise InputError(msg) from exc
            found.append(InputFile(path, rel, exc))
            continue
        described = layout_files(entry.name for entry in entries if _entry_kind(entry) == "file")
        if described:
            logger.info(
                "%s: a saved dataset; %s describe it", rel or root, ", ".join(sorted(described))
            )
            entries = [entry for entry in entries if entry.name not in described]
        for entry in entries:
            child = (Path(entry.path), f"{rel}/{entry.name}" if rel else entry.name)
            kind = _entry_kind(entry)
            if kind == "folder":
                folders.append(child)
            elif kind == "folder-link":
                links.append(child)
            else:
                found.append(InputFile(*child))
    return found


def _next_link(links: list[tuple[Path, str]]) -> tuple[Path, str]:
    """Take the pending folder link that comes first in path order."""
    links.sort(key=lambda link: link[1].split("/"), reverse=True)
    return links.pop()


def _first_visit(folder: Path, seen: set[tuple[int, int]]) -> bool:
    """True the first time a folder (identified by device and inode) is met; then remember it."""
    info = folder.stat()
    key = (info.st_dev, info.st_ino)
    if key in seen:
        return False
    seen.add(key)
    return True


def _scan(folder: Path) -> list[os.DirEntry[str]]:
    """The entries of a folder whose names do not start with a dot."""
    with os.scandir(folder) as entries:
        return [entry for entry in entries if not entry.name.startswith(".")]


def _entry_kind(entry: os.DirEntry[str]) -> str:
    """`folder`, `folder-link` (a symbolic link to a folder), or `file` for anything else:
    files, and links that are broken or loop, which the reader reports."""
    try:
        if entry.is_dir(follow_symlinks=False):
            return "folder"
        if entry.is_symlink() and entry.is_dir():
            return "folder-link"
    except OSError:
        pass
    return "file"
