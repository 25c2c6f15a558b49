"""Inputs on object stores and other fsspec file systems (`s3://`, `gs://`, `hf://`...).

A URL SRC is listed with its file system's `find` and each file streamed through `open_input`,
as a local one is. Only URLs come here: `is_remote` is a string test, and fsspec (the `remote`
extra) is imported for the first URL, so local paths keep their own, faster, way.
"""

from __future__ import annotations

import io
import re
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from cleanse.errors import InputError
from cleanse.formats.registry import MissingExtraError, accepted_suffixes, detect

__all__ = ["RemoteFile", "filesystem", "is_remote", "join", "list_remote", "remote_is_file"]

URL_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
INSTALL = "pip install 'cleanse[remote]'"
# The package fsspec needs for each protocol; those of the `remote` extra are named by it.
PACKAGES = {
    "s3": ("s3fs", INSTALL),
    "s3a": ("s3fs", INSTALL),
    "gs": ("gcsfs", "pip install gcsfs"),
    "gcs": ("gcsfs", "pip install gcsfs"),
    "hf": ("huggingface_hub", "pip install huggingface_hub"),
    "az": ("adlfs", "pip install adlfs"),
    "abfs": ("adlfs", "pip install adlfs"),
}
READ_BLOCK = 8 * 2**20  # bytes fetched per request while streaming a file


def is_remote(path: object) -> bool:
    """Whether `path` is a URL for fsspec (`s3://bucket/key`), not a local path.

    >>> is_remote("s3://bucket/a.jsonl"), is_remote("data/a.jsonl"), is_remote("C:\\\\data")
    (True, False, False)
    """
    return isinstance(path, str) and URL_RE.match(path) is not None


def join(url: str, rel: str) -> str:
    """`rel` (a POSIX path) under the folder `url`.

    >>> join("s3://b/out/", "a/b.jsonl")
    's3://b/out/a/b.jsonl'
    """
    return f"{url.rstrip('/')}/{rel}" if rel else url.rstrip("/")


def filesystem(url: str) -> tuple[Any, str]:
    """The fsspec file system that holds `url`, and the path in it; MissingExtraError naming
    what to install when fsspec or the protocol's package is missing."""
    try:
        import fsspec  # the remote extra: imported for URLs only
    except ImportError:
        msg = f"{url}: remote paths need fsspec, which is not installed; install it with: {INSTALL}"
        raise MissingExtraError(msg) from None
    protocol = url.split("://", 1)[0].lower()
    try:
        return cast("tuple[Any, str]", fsspec.core.url_to_fs(url))  # fsspec has no type hints
    except ImportError as exc:
        package, command = PACKAGES.get(protocol, (f"the package for {protocol}://", ""))
        how = f"install it with: {command}" if command else f"fsspec says: {exc}"
        msg = f"{url}: {protocol}:// paths need {package}, which is not installed; {how}"
        raise MissingExtraError(msg) from None
    except ValueError as exc:
        msg = f"{url}: fsspec does not know the protocol {protocol}:// ({exc}); check the URL"
        raise InputError(msg) from None


@dataclass(frozen=True, slots=True)
class RemoteStat:
    """What a fingerprint and a progress bar need of a remote file's metadata."""

    st_size: int
    st_mtime_ns: int
    st_mode: int = stat.S_IFREG | 0o444


@dataclass(frozen=True, slots=True)
class RemoteFile:
    """A file on a remote store, as listed: its URL, size and modification time (0: unknown)."""

    url: str
    size: int
    mtime_ns: int = 0

    @property
    def name(self) -> str:
        return self.url.rstrip("/").rsplit("/", 1)[-1]

    def stat(self) -> RemoteStat:
        return RemoteStat(self.size, self.mtime_ns)

    def open(self) -> io.BufferedReader:
        """The file's bytes, streamed in blocks of READ_BLOCK (seekable, with `peek`)."""
        fs, path = filesystem(self.url)
        raw = fs.open(path, "rb", block_size=READ_BLOCK)
        return io.BufferedReader(raw, buffer_size=2**20)

    def __str__(self) -> str:
        return self.url


def remote_is_file(url: str) -> bool:
    """Whether `url` names a file (not a folder, or prefix); InputError when it names nothing."""
    return _info(url)[1].get("type") != "directory"


def list_remote(url: str, include: Sequence[str] = (), exclude: Sequence[str] = ()) -> list[Any]:
    """The inputs under a URL (as `cleanse.walk.list_inputs`): the file itself, or every file
    under the folder (prefix), sorted by relative path, hidden names skipped, globs applied."""
    from cleanse.walk import InputFile, chosen  # here: walk imports this module

    fs, info = _info(url)
    if info.get("type") != "directory":
        check_single_input_name(url)
        return [InputFile(_remote_file(fs, url, info), url.rsplit("/", 1)[-1], given=True)]
    root = fs._strip_protocol(url).rstrip("/")
    try:
        listed = fs.find(root, detail=True)
    except OSError as exc:
        raise InputError(_cannot(url, exc, "list this folder")) from exc
    found = []
    for path, meta in listed.items():
        rel = path[len(root) :].lstrip("/")
        if not rel or any(part.startswith(".") for part in rel.split("/")):
            continue
        if meta.get("type") == "directory" or not chosen(rel, include, exclude):
            continue
        found.append(InputFile(_remote_file(fs, join(url, rel), meta), rel))
    return sorted(found, key=lambda f: f.rel.split("/"))


def check_single_input_name(url: str) -> None:
    """InputError when a file given as SRC claims no format cleanse reads."""
    if detect(url.rsplit("/", 1)[-1]) is None:
        msg = (
            f"{url}: cannot read this kind of file; give a file or folder of {accepted_suffixes()}"
        )
        raise InputError(msg)


def _info(url: str) -> tuple[Any, dict[str, Any]]:
    fs, path = filesystem(url)
    fs.invalidate_cache()  # fsspec keeps listings: another process may have written since
    try:
        return fs, fs.info(path)
    except FileNotFoundError:
        msg = f"{url}: no such file or folder (check the bucket name and the key)"
        raise InputError(msg) from None
    except OSError as exc:
        raise InputError(_cannot(url, exc, "read it")) from exc


def _cannot(url: str, exc: BaseException, what: str) -> str:
    return (
        f"{url}: cannot {what} ({exc}); check the URL, the credentials and the endpoint "
        "(fsspec's configuration, or the store's own: AWS_ENDPOINT_URL, AWS_PROFILE...)"
    )


def _remote_file(fs: Any, url: str, info: dict[str, Any]) -> RemoteFile:
    modified: Any = info.get("LastModified") or info.get("mtime") or info.get("updated")
    mtime_ns = 0
    if hasattr(modified, "timestamp"):
        mtime_ns = int(modified.timestamp() * 1e9)
    elif isinstance(modified, int | float):
        mtime_ns = int(modified * 1e9)
    return RemoteFile(url, int(info.get("size") or 0), mtime_ns)
