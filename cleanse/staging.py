"""A DEST, --report or --index on a remote store (`s3://`, `gs://`...): the run writes it in a
local scratch folder, exactly as it writes a local one, and uploads it once the run completes.

Each file becomes one object in one upload (`put_file`: a single PUT, or a multipart upload for
a large file). S3 and GCS make an object visible only when its upload completes, so no reader
ever sees half a file; stores without that guarantee (SFTP, FTP, WebDAV...) may show a partial
file while it uploads. The upload as a whole is not atomic: objects appear one by one, the
corpus first, then the index, then the report, whose summary.json comes last (its presence says
the upload completed). A remote --index is downloaded first and mirrored back at the end.
--resume and --wait need a local folder (a checkpoint, a lock): with a remote place they are
refused, and no lock is taken on the store.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TypeVar

from cleanse.durable import TMP_SUFFIX, write_atomic
from cleanse.errors import InputError, OutputError
from cleanse.layout import REPORT_FILES, Layout, plan_layout
from cleanse.readers import STDIN
from cleanse.remote import filesystem, is_remote, join, remote_is_file
from cleanse.runlock import LOCK_FILE
from cleanse.writers import STDOUT

__all__ = ["RemoteFolder", "run_staged", "touches_store"]

SCRATCH_PREFIX = "cleanse-remote-"
SUMMARY = "summary.json"
Result = TypeVar("Result")


def touches_store(config: Any) -> bool:
    """Whether a run (a JobConfig) writes a DEST, report or index on a remote store."""
    index = config.index if config.dedup is not None else None
    return any(is_remote(place) for place in (config.dest, config.report, index))


@dataclass(frozen=True, slots=True)
class Place:
    """A local scratch folder and the remote folder it is uploaded to. `mirror`: objects under
    `url` that the folder no longer holds are removed (an index drops merged segments)."""

    local: Path
    url: str
    mirror: bool = False


def run_staged(config: Any, run: Callable[[Any], tuple[Result, Layout]]) -> tuple[Result, Layout]:
    """`run(config)` with every remote place of `config` (a JobConfig) in a local scratch folder,
    uploaded when the run completes; the Layout returned names the remote places.

    A run that fails uploads nothing: the store is left as it was.
    """
    _refuse(config)
    scratch = Path(tempfile.mkdtemp(prefix=SCRATCH_PREFIX))
    try:
        places, local = _stage(config, scratch)
        layout = plan_layout(local.src, local.dest, local.report)
        _check_free(config, layout, places)
        result, layout = run(local)
        if layout.report is not None:
            _name_remote_places(Path(layout.report), config, local)
        _upload(places, layout.report)
        report = _url_of(layout.report, places) if layout.report is not None else None
        # The report as a URL, in a field typed Path: its callers only print it (str(report)).
        return result, replace(
            layout,
            dest=_url_of(layout.dest, places),
            report=report,  # type: ignore[arg-type]
        )
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _refuse(config: Any) -> None:
    if config.resume:
        msg = (
            "--resume needs a local DEST, report folder and index: a remote one is written in a "
            "local scratch folder and uploaded only when the run completes, so an interrupted run "
            "left nothing on the store to resume; run it again without --resume"
        )
        raise InputError(msg)
    if config.wait:
        msg = (
            "--wait waits for the run lock, and no lock is taken on a remote DEST, report folder "
            "or index; drop --wait (and do not run two jobs into one remote place at once)"
        )
        raise InputError(msg)


def _stage(config: Any, scratch: Path) -> tuple[list[Place], Any]:
    """The places to upload, and the config that writes them in `scratch` instead."""
    places: list[Place] = []
    dest, report, index = config.dest, config.report, config.index
    if is_remote(dest):
        dest, place = _stage_dest(config.src, dest, scratch / "dest")
        places.append(place)
    if is_remote(report):
        places.append(Place(scratch / "report", report.rstrip("/")))
        report = str(scratch / "report")
    if config.dedup is not None and is_remote(index):
        places.append(RemoteFolder(index, scratch / "index").pull())
        index = str(scratch / "index")
    return places, replace(config, dest=dest, report=report, index=index)


def _stage_dest(src: str, dest: str, local: Path) -> tuple[str, Place]:
    """The local DEST standing for a remote one: a folder for a folder SRC or a DEST that is a
    folder (ends with / or exists as one), else a file in a folder standing for its parent."""
    fs, path = filesystem(dest)
    if src == STDIN:
        src_is_folder = False
    else:
        src_is_folder = not remote_is_file(src) if is_remote(src) else Path(src).is_dir()
    if src_is_folder and fs.isfile(path):
        msg = (
            f"DEST {dest} is a file; a folder SRC needs a folder DEST, where its layout is mirrored"
        )
        raise InputError(msg)
    if src_is_folder:
        return str(local), Place(local, dest.rstrip("/"))
    local.mkdir()
    if dest.endswith("/") or fs.isdir(path):
        return f"{local}/", Place(local, dest.rstrip("/"))
    parent, name = dest.rsplit("/", 1)
    return str(local / name), Place(local, parent)


def _url_of(path: str | Path, places: list[Place]) -> str:
    """Where a local path of the run lands on the store (itself when it is not staged)."""
    local = Path(path)
    for place in places:
        if local == place.local or place.local in local.parents:
            rel = local.relative_to(place.local).as_posix()
            return join(place.url, "" if rel == "." else rel)
    return str(path)


def _check_free(config: Any, layout: Layout, places: list[Place]) -> None:
    """Refuse (unless --overwrite) a remote output that exists, a remote DEST folder holding
    objects, or a remote report folder holding another run's report: the local checks see only
    the empty scratch folder."""
    if config.overwrite:
        return
    if layout.dest != STDOUT and is_remote(config.dest):
        url = _url_of(layout.dest, places)
        fs, path = filesystem(url)
        fs.invalidate_cache()  # another process may have written there since this one listed
        if layout.mirror and fs.isdir(path) and fs.find(path):
            msg = (
                f"DEST {url} is not empty; pass --overwrite to write over it (objects of the "
                "same name are replaced), or choose an empty or new DEST"
            )
            raise InputError(msg)
        if not layout.mirror and fs.isfile(path):
            msg = f"the output file {url} exists; pass --overwrite to replace it, or choose a new DEST"
            raise InputError(msg)
    if layout.report is not None:
        url = _url_of(layout.report, places)
        if is_remote(url):
            fs, path = filesystem(url)
            held = [name for name in REPORT_FILES if fs.exists(f"{path}/{name}")]
            if held:
                msg = (
                    f"the report folder {url} holds another run's report ({', '.join(held)}); "
                    "pass --overwrite to replace it, or choose another --report folder"
                )
                raise InputError(msg)


def _name_remote_places(report: Path, config: Any, local: Any) -> None:
    """Put the remote DEST, report and index back in summary.json's settings (the run saw its
    scratch folders), and draw report.html again from it."""
    from cleanse.report import write_report  # here: the report module is large

    summary = report / SUMMARY
    if not summary.is_file():
        return
    data = json.loads(summary.read_text(encoding="utf-8"))
    settings = data.get("settings", {})
    for key in ("dest", "report", "index"):
        if key in settings and getattr(local, key) != getattr(config, key):
            settings[key] = getattr(config, key)
    write_atomic(summary, json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    write_report(report)


def _upload(places: list[Place], report: str | Path | None) -> None:
    """Every file of the places, one object each: the corpus, then the index, then the report
    with summary.json last. OutputError says how far the upload got when it fails."""
    in_report = Path(report) if report is not None else None
    files: list[tuple[Path, str]] = []
    for place in places:
        for path in sorted(place.local.rglob("*")):
            if path.is_file() and path.name != LOCK_FILE and not path.name.endswith(TMP_SUFFIX):
                files.append((path, join(place.url, path.relative_to(place.local).as_posix())))

    def order(item: tuple[Path, str]) -> tuple[bool, bool]:
        path = item[0]
        reported = in_report is not None and (path == in_report or in_report in path.parents)
        return reported, reported and path.name == SUMMARY

    files.sort(key=order)  # stable: path order within each group
    for done, (path, url) in enumerate(files):
        try:
            fs, key = filesystem(url)
            fs.put_file(str(path), key)
        except Exception as exc:
            msg = (
                f"uploading {path.name} to {url} failed ({exc}); {done} of {len(files)} files "
                "were uploaded before it; run again with --overwrite"
            )
            raise OutputError(msg) from exc
    for place in places:
        if place.mirror:
            RemoteFolder(place.url, place.local).prune()


class RemoteFolder:
    """A remote folder (a duplicate index) worked on in a local copy: `pull` downloads it,
    `push` uploads it back and removes the objects the copy no longer holds. No lock is taken
    on the store: two runs sharing one remote index at once lose one run's additions."""

    def __init__(self, url: str, local: Path) -> None:
        self.url = url.rstrip("/")
        self.local = local

    def pull(self) -> Place:
        """Download the folder (when it exists) into `local`."""
        fs, root = filesystem(self.url)
        fs.invalidate_cache()
        self.local.mkdir(parents=True, exist_ok=True)
        try:
            listed = fs.find(root) if fs.isdir(root) else []
            for key in listed:
                target = self.local / key[len(root.rstrip("/")) :].lstrip("/")
                target.parent.mkdir(parents=True, exist_ok=True)
                fs.get_file(key, str(target))
        except OSError as exc:
            msg = f"--index {self.url}: cannot download it ({exc}); check the URL and credentials"
            raise InputError(msg) from exc
        return Place(self.local, self.url, mirror=True)

    def push(self) -> None:
        """Upload the local copy and remove what it no longer holds."""
        _upload([Place(self.local, self.url, mirror=True)], None)

    def prune(self) -> None:
        """Remove the objects under the folder that the local copy no longer holds."""
        fs, root = filesystem(self.url)
        fs.invalidate_cache()
        base = root.rstrip("/")
        for key in fs.find(base) if fs.isdir(base) else []:
            rel = key[len(base) :].lstrip("/")
            if not (self.local / rel).is_file():
                fs.rm_file(key)
