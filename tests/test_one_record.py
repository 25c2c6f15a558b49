"""Property: no single record can end a run. Whatever one JSONL line or one .txt file holds
(random bytes, random JSON with any numbers, nesting, surrogates), the run finishes, writes the
good records around it, and the record is kept, changed, removed or rejected with a reason.

Each example is a whole run, so the test runs a tenth of the profile's examples (see conftest.py).
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from cleanse.cli import main

GOOD = [
    "Le conseil municipal a voté mardi le budget de la ville pour l'année prochaine.",
    "The committee will publish its final report on the new railway line next spring.",
]
STATUSES = {"kept", "changed", "removed", "rejected"}

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
)
JSON_VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)),
    max_leaves=12,
)
# A record: a JSON object whose text field is any JSON value, and any other fields; or any JSON.
RECORDS = st.one_of(
    st.builds(
        lambda text, extra: {**extra, "text": text},
        st.one_of(st.text(max_size=200), JSON_VALUES),
        st.dictionaries(st.sampled_from(["id", "url", "site", "n", "x"]), JSON_VALUES, max_size=3),
    ),
    JSON_VALUES,
).map(lambda value: json.dumps(value, ensure_ascii=False).encode("utf-8", "surrogatepass"))
# Any bytes on one line (a newline would make it two records).
RAW_LINES = st.binary(max_size=300).map(lambda data: data.replace(b"\n", b" "))
EDGE_CASES = [
    b'{"text": "a", "n": ' + b"9" * 5000 + b"}",
    b'{"text": "a", "n": ' + b"[" * 5000 + b"]" * 5000 + b"}",
    b'{"text": "a", "n": ' + b"[" * 900 + b"]" * 900 + b"}",
    b'{"text": "a", "n": 1e999, "m": NaN}',
    b'{"id": "good-0", "text": "\\ud800\\r\\nb"}',
    b'{"text": "\\u200b\\u200e"}',
    b"\x1f\x8b\x08\x00",
]


def run_one(line: bytes, *flags: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        src, dest = Path(folder) / "src", Path(folder) / "out"
        src.mkdir()
        good = [json.dumps({"id": f"good-{i}", "text": text}).encode() for i, text in enumerate(GOOD)]
        (src / "in.jsonl").write_bytes(b"\n".join([good[0], line, good[1]]) + b"\n")
        (src / "one.txt").write_bytes(line)
        assert main(["run", str(src), str(dest), "-q", "-j", "1", *flags]) == 0
        written = [json.loads(x) for x in (dest / "in.jsonl").read_text("utf-8").splitlines()]
        texts = [r.get("text") for r in written]
        assert GOOD[0] in texts and GOOD[1] in texts and texts.index(GOOD[0]) < texts.index(GOOD[1])
        audit = [json.loads(x) for x in (dest / ".cleanse" / "audit.jsonl").read_text("utf-8").splitlines()]
        assert all(entry["status"] in STATUSES for entry in audit)
        for entry in audit:
            if entry["status"] == "rejected":
                assert entry["reason"].startswith("input.") and entry["error"]
        # Every line and file is accounted for: the JSONL line (unless blank) and the .txt file.
        line_entries = [e for e in audit if e.get("path") == "in.jsonl" and e.get("line") == 2]
        assert len(audit) >= 3 + (not line.strip()) - 1
        assert len(line_entries) <= 1
        assert any(e["id"] == "one.txt" for e in audit)
        summary = json.loads((dest / ".cleanse" / "summary.json").read_text("utf-8"))
        docs = summary["documents"]
        assert docs["in"] == len(audit) == docs["written"] + docs["removed"] + docs["rejected"]


@settings(
    max_examples=max(10, settings().max_examples // 10),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.one_of(RECORDS, RAW_LINES), st.sampled_from([(), ("--no-dedup",)]))
def test_no_single_record_ends_a_run(line, flags):
    run_one(line, *flags)


def test_known_hostile_records_do_not_end_a_run():
    for line in EDGE_CASES:
        run_one(line)


@example(b"")
@settings(max_examples=max(10, settings().max_examples // 10), suppress_health_check=[HealthCheck.too_slow])
@given(RECORDS)
def test_a_single_record_through_stdin_to_stdout_never_ends_the_run(line):
    import io
    import sys

    good = json.dumps({"text": GOOD[0]}).encode()
    data = b"\n".join([good, line]) + b"\n"
    stdin, stdout = sys.stdin, sys.stdout
    sys.stdin = io.TextIOWrapper(io.BytesIO(data))
    sys.stdout = io.StringIO()
    try:
        assert main(["run", "-", "-", "-q", "-j", "1"]) == 0
        out = sys.stdout.getvalue()
    finally:
        sys.stdin, sys.stdout = stdin, stdout
    assert json.loads(out.splitlines()[0])["text"] == GOOD[0]
