"""Which format a file holds, told by its name and checked by its first bytes, and where its
cleaned copy goes.

Every input cleanse reads passes through `detect` (a name to a `Detected` format and compression)
and `open_input` (a path to a byte stream: the one place a path is opened, so remote stores can
plug in here). A format whose library is an optional extra is checked up front by
`require_extras`, which fails with one line naming the extra to install.
"""

from __future__ import annotations

import importlib
import io
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from cleanse.errors import ConfigError, InputError

if TYPE_CHECKING:
    from cleanse.remote import RemoteFile

__all__ = [
    "COMPRESSIONS",
    "FORMATS",
    "OUTPUT_FORMATS",
    "Detected",
    "Format",
    "MissingExtraError",
    "NotRegularFileError",
    "WriteConfig",
    "accepted_suffixes",
    "detect",
    "open_input",
    "output_name",
    "require",
    "require_extras",
]


@dataclass(frozen=True, slots=True)
class Format:
    """A format: its name, the file name endings that claim it (without compression), whether
    those endings may carry a compression suffix, the extra that holds its library (None: core),
    and the format its cleaned documents are written in. `reads_gzip`: its reader takes the
    gzip file itself (WARC files are a gzip member per record, and warcio reads them so)."""

    name: str
    suffixes: tuple[str, ...]
    compressible: bool
    extra: str | None
    writes_as: str
    reads_gzip: bool = False


# Order matters only for suffixes that end alike: `.warc.wet` is tried before `.wet`.
FORMATS: tuple[Format, ...] = (
    Format("txt", (".txt",), True, None, "txt"),
    Format("jsonl", (".jsonl", ".ndjson", ".json"), True, None, "jsonl"),
    Format("parquet", (".parquet",), False, "parquet", "parquet"),
    Format("wet", (".warc.wet", ".wet"), True, "warc", "jsonl", reads_gzip=True),
    Format("warc", (".warc",), True, "warc", "jsonl", reads_gzip=True),
    Format("html", (".html", ".htm"), True, "html", "txt"),
    # A shard of a Hugging Face dataset saved with save_to_disk (cleanse.formats.arrow).
    Format("arrow", (".arrow",), False, "hf", "parquet"),
)
FORMAT_BY_NAME = {fmt.name: fmt for fmt in FORMATS}
# A plain `.json` file is usually one JSON document (a config, an array), not JSON lines; the
# dolma and RedPajama shards that hold JSON lines under this name are compressed.
COMPRESSED_ONLY = (".json",)
OUTPUT_FORMATS = ("jsonl", "parquet")  # what --format may ask for besides `auto`

# Compression suffixes, the magic number that starts such a stream, and the extra it needs.
COMPRESSIONS: dict[str, tuple[str, bytes, str | None]] = {
    "gz": (".gz", b"\x1f\x8b", None),
    "zst": (".zst", b"(\xb5/\xfd", "zstd"),
}

# What each extra installs, and the module that tells whether it is there.
EXTRAS = {
    "parquet": ("pyarrow", "Parquet"),
    "zstd": ("zstandard", "zstd-compressed files"),
    "warc": ("warcio", "WARC and WET files"),
    "html": ("trafilatura", "HTML pages"),
    "hf": ("datasets", "Hugging Face datasets (save_to_disk folders, .arrow shards)"),
}


class MissingExtraError(ConfigError):
    """A format's library is not installed; the message names the extra that installs it."""


class NotRegularFileError(OSError):
    """The path is a pipe, socket or device: reading it could block or never end."""


@dataclass(frozen=True, slots=True)
class Detected:
    """A file's format, its compression (None: plain) and the name's ending that says so."""

    format: Format
    compression: str | None
    suffix: str

    @property
    def extras(self) -> tuple[str, ...]:
        """The extras needed to read it (the format's, the compression's)."""
        needed = [self.format.extra]
        if self.compression is not None:
            needed.append(COMPRESSIONS[self.compression][2])
        return tuple(extra for extra in needed if extra is not None)

    @property
    def magic(self) -> bytes | None:
        """The bytes the file must start with (its compression's magic number), if any."""
        return COMPRESSIONS[self.compression][1] if self.compression is not None else None


@dataclass(frozen=True, slots=True)
class WriteConfig:
    """How cleaned documents are written.

    format: `auto` writes each input in its own format (txt, JSONL, Parquet; WET and WARC records
    become JSONL, an HTML page a .txt file), or `jsonl` / `parquet` for every input;
    compression: `auto` keeps each input's compression, else `none`, `gz` or `zst` for every
    JSONL and text output.
    """

    format: str = "auto"
    compression: str = "auto"

    def __post_init__(self) -> None:
        if self.format not in ("auto", *OUTPUT_FORMATS):
            msg = f"unknown output format {self.format!r}; use auto, {', '.join(OUTPUT_FORMATS)}"
            raise ConfigError(msg)
        if self.compression not in ("auto", "none", *COMPRESSIONS):
            msg = f"unknown compression {self.compression!r}; use auto, none, {', '.join(COMPRESSIONS)}"
            raise ConfigError(msg)


def detect(name: str) -> Detected | None:
    """The format and compression a file name claims, or None when cleanse reads no such file.

    >>> found = detect("CC-MAIN-0001.warc.wet.gz")
    >>> found.format.name, found.compression, found.suffix
    ('wet', 'gz', '.warc.wet.gz')
    >>> detect("notes.md") is None, detect("shard.json.zst").compression
    (True, 'zst')
    """
    lower = name.lower()
    compression = None
    for key, (ending, _, _) in COMPRESSIONS.items():
        if lower.endswith(ending):
            compression, lower = key, lower.removesuffix(ending)
    for fmt in FORMATS:
        for suffix in fmt.suffixes:
            if lower.endswith(suffix):
                if (compression is not None and not fmt.compressible) or (
                    suffix in COMPRESSED_ONLY and compression is None
                ):
                    return None
                tail = COMPRESSIONS[compression][0] if compression else ""
                return Detected(fmt, compression, suffix + tail)
    return None


def accepted_suffixes() -> str:
    """The file endings cleanse reads, for error messages.

    >>> accepted_suffixes().split(", ")[:3]
    ['.txt', '.txt.gz', '.txt.zst']
    """
    endings = []
    for fmt in FORMATS:
        for suffix in fmt.suffixes:
            if suffix not in COMPRESSED_ONLY:
                endings.append(suffix)
            if fmt.compressible:
                endings.extend(suffix + ending for ending, _, _ in COMPRESSIONS.values())
    return ", ".join(endings)


def output_name(rel: str, config: WriteConfig) -> tuple[str, str, str | None]:
    """The name an input's cleaned copy gets, its format and its compression.

    A format without a writer of its own (WET, WARC, HTML) changes its ending; so do --format and
    --compression. A name that claims no format is written as text, unchanged.

    >>> output_name("cc/part.warc.wet.gz", WriteConfig())
    ('cc/part.jsonl.gz', 'jsonl', 'gz')
    >>> output_name("a.jsonl.gz", WriteConfig(compression="zst"))
    ('a.jsonl.zst', 'jsonl', 'zst')
    >>> output_name("a.ndjson", WriteConfig(format="parquet"))
    ('a.parquet', 'parquet', None)
    """
    found = detect(rel)
    if found is None:
        return rel, "txt", None
    fmt = config.format if config.format != "auto" else found.format.writes_as
    compression = found.compression if config.compression == "auto" else config.compression
    compression = None if compression == "none" or fmt == "parquet" else compression
    same_format = fmt == found.format.name
    if same_format and compression == found.compression:
        return rel, fmt, compression
    stem = rel[: len(rel) - len(found.suffix)]
    ending = (
        found.suffix.removesuffix(COMPRESSIONS[found.compression][0])
        if found.compression
        else found.suffix
    )
    if not same_format:
        ending = {"jsonl": ".jsonl", "parquet": ".parquet", "txt": ".txt"}[fmt]
    tail = COMPRESSIONS[compression][0] if compression else ""
    return stem + ending + tail, fmt, compression


def require(extra: str, why: str = "") -> ModuleType:
    """The module an extra installs, or MissingExtraError naming the extra to install."""
    module, what = EXTRAS[extra]
    try:
        return importlib.import_module(module)
    except ImportError:
        where = f"{why}: " if why else ""
        msg = (
            f"{where}reading or writing {what} needs {module}, which is not installed; "
            f"install it with: pip install 'cleanse[{extra}]'"
        )
        raise MissingExtraError(msg) from None


def require_extras(names: Iterable[str]) -> None:
    """Fail before any work when an input needs an extra that is not installed."""
    checked: set[str] = set()
    for name in names:
        found = detect(name)
        for extra in found.extras if found else ():
            if extra not in checked:
                require(extra, name)
                checked.add(extra)


def open_input(path: str | Path | RemoteFile, *, pipe_ok: bool = False) -> io.BufferedReader:
    """Open an input for reading as bytes: the one place where cleanse opens an input path.

    Pipes, sockets and devices raise NotRegularFileError (reading them could block forever),
    except a named pipe given as SRC itself (`pipe_ok`): it is read as a stream, as stdin is.
    A file listed on a remote store (cleanse.remote) is streamed from it.
    """
    if not isinstance(path, str | Path):
        return path.open()
    local = path if isinstance(path, Path) else Path(path)
    mode = local.stat().st_mode
    if not (stat.S_ISREG(mode) or (pipe_ok and stat.S_ISFIFO(mode))):
        msg = "not a regular file but a pipe, socket or device"
        raise NotRegularFileError(msg)
    return local.open("rb")


def check_single_input(path: Path) -> Detected:
    """The format of a file given as SRC, or InputError naming the endings cleanse reads."""
    found = detect(path.name)
    if found is None:
        msg = (
            f"{path}: cannot read this kind of file; give a file or folder of {accepted_suffixes()}"
        )
        raise InputError(msg)
    return found
