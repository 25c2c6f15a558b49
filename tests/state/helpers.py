"""Shared by the run-state tests: a generated corpus, file trees, and runs stopped at a moment.

`stopped_run` starts `cleanse` in a child process (its own process group) with one function
wrapped so that, at its n-th call, the child sends itself a signal: SIGKILL (killed like
`kill -9`), SIGINT to its whole group (Ctrl-C in a terminal), or SIGSTOP (paused, to hold its
locks while the test looks). Every wait is bounded, so a hanging run fails the test instead of
hanging it.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
import weakref
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SAFETY_SECONDS = 180  # a run of these corpora takes a few seconds; this only stops a hang

WORDS = (
    "le la les un une des et à de du en pour sur dans par avec sans sous entre vers chez ville "
    "pays gouvernement ministre accord visite président semaine année projet loi marché école "
    "the of and to in for on with from by city country minister visit week year law market "
    "school report water river court police union energy price bank road train music night"
).split()


def paragraph(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(12, 40))).capitalize() + "."


def texts(seed: int, docs: int) -> list[str]:
    """`docs` documents and a tenth more exact copies, some sharing a paragraph."""
    rng = random.Random(seed)
    shared = [paragraph(rng) for _ in range(10)]
    out = []
    for _ in range(docs):
        paragraphs = [paragraph(rng) for _ in range(rng.randint(3, 8))]
        if rng.random() < 0.3:
            paragraphs.insert(rng.randint(0, len(paragraphs)), rng.choice(shared))
        out.append("\n".join(paragraphs) + "\n")
    return out + [out[rng.randrange(docs)] for _ in range(docs // 10)]


def write_jsonl(path: Path, items: list[str], prefix: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "wt", encoding="utf-8") as fh:
        for i, text in enumerate(items):
            fh.write(json.dumps({"id": f"{prefix}{i}", "text": text}) + "\n")
    return path


def make_corpus(root: Path, seed: int = 7, docs: int = 200) -> Path:
    """A folder with a .jsonl.gz, a .jsonl and .txt files."""
    items = texts(seed, docs)
    third = len(items) // 3
    src = root / f"src{seed}"
    write_jsonl(src / "a.jsonl.gz", items[:third], f"a{seed}-")
    write_jsonl(src / "b.jsonl", items[third : 2 * third], f"b{seed}-")
    (src / "txt").mkdir()
    for i, text in enumerate(items[2 * third :]):
        (src / "txt" / f"{i:04d}.txt").write_text(text, encoding="utf-8")
    return src


def tree(root: Path) -> dict[str, bytes]:
    """Every file under `root` by relative path, with its bytes; the run's wall time (in any
    summary.json and HTML report) is the one thing allowed to differ."""
    files = {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}
    for name, data in files.items():
        if name.endswith("summary.json"):
            summary = json.loads(data)
            summary.pop("seconds", None)
            files[name] = json.dumps(summary).encode()
        elif name.endswith("report.html"):
            files[name] = re.sub(rb'data-card="time"><b>[^<]*', b"", data)
    return files


@contextlib.contextmanager
def outputs_removed(*paths: Path) -> Iterator[None]:
    """Remove `paths` (a test's outputs, written at the reference run's paths) after the block,
    whether it passed or failed, so the next test starts from nothing."""
    try:
        yield
    finally:
        for path in paths:
            shutil.rmtree(path, ignore_errors=True)


def manifest(index: Path) -> dict:
    return json.loads((index / "manifest.json").read_text(encoding="utf-8"))


_SCRIPT = textwrap.dedent(
    """
    import importlib, os, signal, sys
    # Ctrl-C as in a terminal: a shell's background job starts with SIGINT ignored, which the
    # child would inherit, and the Ctrl-C tests would then test nothing but the ignoring.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    sys.path.insert(0, {root!r})
    import cleanse.dedup.workers, cleanse.parallel
    cleanse.dedup.workers.CHUNK_CHARS = 4000   # several chunks per batch: the worker pool works
    cleanse.parallel.BATCH = 32                # the cleaning pool too
    if not {module!r}:
        from cleanse.cli import main
        sys.exit(main({argv!r}))
    owner = importlib.import_module({module!r})
    for part in {path!r}[:-1]:
        owner = getattr(owner, part)
    real = getattr(owner, {path!r}[-1])
    seen = [0]

    def hooked(*args, **kwargs):
        hit = False
        if {match!r} in " ".join(map(str, args)):
            seen[0] += 1
            hit = seen[0] == {nth}
        if hit and {before!r}:
            fire()
        result = real(*args, **kwargs)
        if hit and not {before!r}:
            fire()
        return result

    def fire():
        sig = {signame!r}
        try:  # once, even when the function runs in several worker processes
            os.close(os.open({once!r}, os.O_CREAT | os.O_EXCL))
        except FileExistsError:
            return
        if sig == "SIGINT":
            os.killpg(0, signal.SIGINT)   # Ctrl-C: the whole process group, workers included
        else:
            os.kill(os.getpid(), getattr(signal, sig))

    if isinstance(owner, type) and isinstance(owner.__dict__.get({path!r}[-1]), staticmethod):
        hooked = staticmethod(hooked)
    setattr(owner, {path!r}[-1], hooked)
    from cleanse.cli import main
    sys.exit(main({argv!r}))
    """
)


def stopped_run(
    argv: list[str], target: str, *, nth: int = 1, before: bool = True, signame: str = "SIGKILL",
    match: str = "",
) -> subprocess.Popen:
    """Start `cleanse ARGV` in a child that sends itself `signame` at the `nth` call of
    `target` ("module:Class.attr") whose arguments' text contains `match`."""
    module, _, attr = target.partition(":")
    # The marker that makes the signal fire once, in a folder of its own: the folder goes when
    # the run is finished (`finish`), else with the Popen object, at exit at the latest.
    folder = tempfile.mkdtemp(prefix="cleanse-test-fired-")
    script = _SCRIPT.format(
        root=str(ROOT), module=module, path=attr.split("."), nth=nth, before=before,
        signame=signame, match=match, argv=argv, once=str(Path(folder) / "fired"),
    )  # fmt: skip
    proc = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, start_new_session=True,
    )  # fmt: skip
    proc.remove_marker = weakref.finalize(proc, shutil.rmtree, folder, ignore_errors=True)
    return proc


def cli(argv: list[str]) -> subprocess.Popen:
    """Start `cleanse ARGV` in a child process of its own group (see `finish`)."""
    return stopped_run(argv, "")


def finish(proc: subprocess.Popen, seconds: float = SAFETY_SECONDS) -> tuple[int, str]:
    """Wait for `proc` (killing its whole group if it hangs); (return code, stderr)."""
    try:
        _, err = proc.communicate(timeout=seconds)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        _, err = proc.communicate()
        msg = f"the run hung for {seconds} s and was killed; stderr:\n{err}"
        raise AssertionError(msg) from None
    finally:
        if proc.returncode is not None and hasattr(proc, "remove_marker"):
            proc.remove_marker()  # the run is over: its marker folder goes now
    return proc.returncode, err


def wait_stopped(proc: subprocess.Popen, seconds: float = SAFETY_SECONDS) -> None:
    """Wait until `proc` has paused itself with SIGSTOP (or fail if it ends or hangs)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            msg = f"the run ended ({proc.returncode}) before pausing: {proc.stderr.read()}"
            raise AssertionError(msg)
        state = Path(f"/proc/{proc.pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        if state == "T":
            return
        time.sleep(0.01)
    os.killpg(proc.pid, signal.SIGKILL)
    msg = "the run never paused"
    raise AssertionError(msg)


