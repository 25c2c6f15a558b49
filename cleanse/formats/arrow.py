"""Hugging Face datasets saved with `save_to_disk` (the `hf` extra): their `.arrow` shards in,
Parquet out.

`Dataset.save_to_disk(folder)` writes Arrow IPC stream shards (`data-00000-of-00002.arrow`)
beside two files that describe them (`state.json`, `dataset_info.json`); a `DatasetDict` adds a
`dataset_dict.json` and one such folder per split. Each shard is an input file: its rows are read
a record batch at a time with every column kept (its type, its order, and the schema's
`huggingface` metadata that holds the dataset's features), and it is written as the Parquet file
of the same name (`data-00000-of-00002.parquet`), so that DEST is a folder of Parquet shards that
`datasets.load_dataset("parquet", data_dir=DEST)` reads back, splits included.
The describing files are not documents: `walk` does not list them (see `layout_files`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from cleanse.formats.records import Record, Refusal
from cleanse.formats.registry import require
from cleanse.formats.table_rows import TableKind, table_rows

__all__ = ["DATASET_FILES", "DICT_FILE", "layout_files", "read_arrow", "read_schema"]

NOT_ARROW = "input.not-arrow"  # a .arrow file that is not an Arrow IPC stream
CORRUPT_ARROW = "input.corrupt-arrow"  # an Arrow stream whose data cannot be decoded
DATASET_FILES = ("state.json", "dataset_info.json")  # beside the shards of a saved Dataset
DICT_FILE = "dataset_dict.json"  # beside the split folders of a saved DatasetDict
_ARROW = TableKind("dataset", "Arrow", CORRUPT_ARROW, "save the dataset again")


def layout_files(names: Iterable[str]) -> set[str]:
    """The names in one folder's listing that describe a dataset saved with `save_to_disk`
    (they are read by `datasets`, not as documents); empty when the folder holds none.

    >>> sorted(layout_files(["data-00000-of-00001.arrow", "state.json", "dataset_info.json"]))
    ['dataset_info.json', 'state.json']
    >>> layout_files(["state.json", "notes.txt"]), layout_files(["dataset_dict.json"])
    (set(), {'dataset_dict.json'})
    """
    names = set(names)
    found = {DICT_FILE} & names
    if set(DATASET_FILES) <= names and any(name.endswith(".arrow") for name in names):
        found.update(DATASET_FILES)
    return found


def _arrow() -> Any:
    """pyarrow, once `datasets` (the `hf` extra) is known to be installed."""
    require("hf")
    import pyarrow as pa  # installed with datasets

    return pa


def read_arrow(stream: IO[bytes], text_field: str) -> Iterator[Record | Refusal]:
    """One Record per row of an Arrow IPC stream (a `save_to_disk` shard), every column kept in
    order; a Refusal for a file that is not such a stream, lacks the text column, or breaks
    midway (the rows before the break are kept)."""
    pa = _arrow()
    try:
        reader = pa.ipc.open_stream(stream)
    except (pa.ArrowException, OSError) as exc:
        error = (
            f"this is not an Arrow stream as datasets' save_to_disk writes ({exc}); "
            "rename it, or move it out of SRC"
        )
        yield Refusal(NOT_ARROW, error)
        return
    yield from table_rows(pa, reader.schema.names, reader, text_field, _ARROW)


def read_schema(path: str | Path) -> Any:
    """The schema of a `.arrow` shard, its `huggingface` features included (what its Parquet
    copy is written with)."""
    pa = _arrow()
    with pa.memory_map(str(path)) as source:
        return pa.ipc.open_stream(source).schema
