"""Where a run writes: the corpus (a mirrored folder, one file, or stdout) and its report folder.

`plan_layout` is the one place that turns SRC, DEST and --report into paths, the way cp and rsync
users expect: a folder SRC is mirrored into a folder DEST; a single file SRC becomes one output
file (inside DEST when DEST is an existing folder or ends with /), in the format DEST's name says,
and JSONL records are never flattened into a .txt file. Every run gets its own report folder
beside its output. `check_output`, `refuse_report_file` and `refuse_other_report` then refuse to
overwrite anything that is not the run's to overwrite.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cleanse.errors import InputError
from cleanse.formats.registry import FORMAT_BY_NAME, detect
from cleanse.readers import STDIN
from cleanse.remote import is_remote, remote_is_file
from cleanse.runlock import LOCK_FILE
from cleanse.walk import input_kind
from cleanse.writers import STDOUT

REPORT_DIRNAME = ".cleanse"
STDIN_NAME = "stdin.jsonl"  # the file name of stdin's records, when mirrored into a folder
# What a finished or started run leaves in its report folder.
REPORT_FILES = ("summary.json", "audit.jsonl", "progress.json", "run-index")
JSONL = "jsonl"
TXT = "txt"


@dataclass(frozen=True, slots=True)
class Layout:
    """Resolved output places.

    dest: a folder that mirrors SRC (mirror=True), the one output file of a single-file SRC, or `-`;
    report: the run's own report folder (None for stdout without --report);
    form: the format of a single output file (`jsonl`, `parquet` or `txt`), whatever its name.
    """

    dest: str
    mirror: bool
    report: Path | None
    form: str | None = None


def plan_layout(src: str, dest: str, report: str | None) -> Layout:
    """Check SRC, DEST and --report against each other and decide where everything goes.

    - folder SRC: DEST is a folder (created if new) that mirrors SRC; report in DEST/.cleanse/.
    - single file SRC (or - for stdin): the output is DEST/<SRC's name> when DEST is an existing
      folder or ends with /, else DEST itself; its format follows its name (.jsonl, .jsonl.gz,
      .txt), and a name without one of these keeps SRC's format (JSONL records stay JSONL).
      A .txt output for JSONL input is refused: it cannot hold records. The report goes to
      .cleanse/<output name>/ beside the output file, so runs into one folder never share one.
    - DEST `-`: JSONL on stdout; a report only with --report.
    Output never overwrites input: DEST (or the output file) equal to SRC, inside it, or
    containing it is refused, and so is a report folder that overlaps SRC.
    """
    remote_src = is_remote(src)  # listed on its store (cleanse.remote): it never overlaps DEST
    if src != STDIN and not remote_src and not Path(src).exists():
        msg = f"{src}: no such file or folder"
        raise InputError(msg)
    # A file, or a named pipe given as SRC; a URL asks its store.
    single = src == STDIN or (remote_is_file(src) if remote_src else not Path(src).is_dir())
    if dest == STDOUT:
        layout = Layout(dest, False, Path(report) if report else None, JSONL)
    elif single:
        layout = single_file_layout(src, dest, report)
    else:
        layout = folder_layout(src, dest, report)
    if src != STDIN and not remote_src and layout.report is not None:
        _refuse_report_over_src(src, layout.report)
    return layout


def single_file_layout(src: str, dest: str, report: str | None) -> Layout:
    dest_path = Path(dest)
    src_kind = JSONL if src == STDIN else input_kind(Path(src))
    into_folder = dest.endswith(("/", "\\")) or dest_path.is_dir()
    out = dest_path / (STDIN_NAME if src == STDIN else Path(src).name) if into_folder else dest_path
    if src != STDIN and not is_remote(src):
        _refuse_overlap(src, out, "the output file")
    if out.is_dir():
        msg = f"the output {out} is a folder; give DEST as a file name, or a folder without {out.name}"
        raise InputError(msg)
    form = output_form(out, src_kind, src)
    report_dir = Path(report) if report else report_folder(out, mirror=False)
    return Layout(str(out), False, report_dir, form)


def folder_layout(src: str, dest: str, report: str | None) -> Layout:
    dest_path = Path(dest)
    if not is_remote(src):
        _refuse_overlap(src, dest_path, "DEST")
    if dest_path.exists() and not dest_path.is_dir():
        msg = (
            f"DEST {dest} is a file; a folder SRC needs a folder DEST, where its layout is mirrored"
        )
        raise InputError(msg)
    names_a_file = detect(dest_path.name) is not None or dest_path.name.lower().endswith(".gz")
    if not dest_path.exists() and names_a_file:
        msg = (
            f"SRC {src} is a folder but DEST {dest} names a file; give a folder DEST: "
            "SRC's files are mirrored into it, each in its own format"
        )
        raise InputError(msg)
    return Layout(dest, True, Path(report) if report else report_folder(dest_path, mirror=True))


def report_folder(output: Path, *, mirror: bool) -> Path:
    """The default report folder of a run, beside its output: DEST/.cleanse/ for a mirrored
    folder, .cleanse/<file name>/ in the output file's folder for a single file (one per file)."""
    if mirror:
        return output / REPORT_DIRNAME
    return output.parent / REPORT_DIRNAME / output.name


def output_form(out: Path, src_kind: str, src: str) -> str:
    """`jsonl`, `parquet` or `txt`: what the single output file `out` holds, for input of
    `src_kind` (a format of cleanse.formats: its name says, else SRC's own output format)."""
    lower = out.name.lower()
    found = detect(out.name)
    records = FORMAT_BY_NAME[src_kind].writes_as != TXT  # JSONL, Parquet, WET/WARC records
    if found is not None and found.format.writes_as != TXT:
        return found.format.writes_as
    if found is not None:  # .txt, .txt.gz, .txt.zst, .html
        if records:
            msg = (
                f"{out} is a .txt file, which holds one text, but SRC {src} holds "
                f"{'JSONL' if src_kind == JSONL else src_kind.upper()} records; "
                f"write them to {out.with_suffix('.jsonl')} (or .jsonl.gz), or into a folder "
                "(a DEST ending with /)"
            )
            raise InputError(msg)
        return TXT
    if lower.endswith(".gz"):
        msg = f"{out}: name the output .jsonl.gz or .txt.gz, or drop .gz"
        raise InputError(msg)
    return FORMAT_BY_NAME[src_kind].writes_as


def _refuse_overlap(src: str, dest: Path, what: str) -> None:
    s, d = Path(src).resolve(), dest.resolve()
    if s == d or s in d.parents or (Path(src).is_dir() and d in s.parents):
        msg = f"{what} {dest} overlaps SRC {src}; choose an output outside the input"
        raise InputError(msg)


def _refuse_report_over_src(src: str, report: Path) -> None:
    s, r = Path(src).resolve(), report.resolve()
    if s == r or s in r.parents or r in s.parents:
        msg = (
            f"the report folder {report} overlaps SRC {src}; choose a --report folder outside the "
            "input (by default the report goes beside the output)"
        )
        raise InputError(msg)


def check_output(layout: Layout, *, overwrite: bool) -> None:
    """Refuse to write into a DEST that holds something, unless told to overwrite.

    For a single-file SRC only the output file counts: other files in its folder are not this
    run's and stay as they are. A mirrored DEST holding nothing but this run's own report folder,
    itself holding nothing but run locks (this run's, just taken), counts as empty.
    """
    dest = Path(layout.dest)
    if layout.dest == STDOUT or overwrite or not dest.exists():
        return
    if dest.is_dir() and all(
        child == layout.report and _holds_only_locks(child) for child in dest.iterdir()
    ):
        return
    hint = _resume_hint(layout)
    if layout.mirror:
        msg = (
            f"DEST {layout.dest} is not empty; pass {hint}--overwrite to write over it, "
            "or choose an empty or new DEST"
        )
    else:
        msg = (
            f"the output file {layout.dest} exists; pass {hint}--overwrite to replace it, "
            "or choose a new DEST"
        )
    raise InputError(msg)


def _holds_only_locks(folder: Path) -> bool:
    """A folder with nothing in it but run locks (in it or in its subfolders)."""
    return folder.is_dir() and all(
        p.name == LOCK_FILE or (p.is_dir() and _holds_only_locks(p)) for p in folder.iterdir()
    )


def refuse_report_file(layout: Layout) -> None:
    """Refuse a report path that is a file, whatever the flags: no report can be written there."""
    report = layout.report
    if report is not None and (report.exists() or report.is_symlink()) and not report.is_dir():
        msg = f"the report folder {report} is a file; remove it, or choose another --report folder"
        raise InputError(msg)


def refuse_other_report(layout: Layout) -> None:
    """Refuse a report folder (or path) that is a file or holds another run's report; asked
    only without --overwrite and --resume, which replace or continue that report."""
    refuse_report_file(layout)
    report = layout.report
    if report is None or not report.is_dir():
        return
    held = [name for name in REPORT_FILES if (report / name).exists()]
    if held:
        msg = (
            f"the report folder {report} holds another run's report ({', '.join(held)}); pass "
            f"{_resume_hint(layout)}--overwrite to replace it, or choose another --report folder"
        )
        raise InputError(msg)


def refuse_occupied(layout: Layout) -> None:
    """Refuse, for a run without --overwrite, an occupied output or a report folder holding
    another run's report, saying what to do. Asked once the run holds its lock (after a wait,
    DEST may hold what the other run wrote)."""
    check_output(layout, overwrite=False)
    refuse_other_report(layout)


def _resume_hint(layout: Layout) -> str:
    unfinished = layout.report is not None and (layout.report / "progress.json").exists()
    return "--resume to continue the run that was interrupted there, " if unfinished else ""
