"""Values JSON has no type for, as JSON: what a Parquet row holds when it is written as JSONL.

Dates and times become ISO 8601 text, decimals their exact digits, bytes base64 text; lists and
mappings are converted item by item, so nothing is lost to `str()` of a container.
"""

from __future__ import annotations

import base64
import datetime as dt
from decimal import Decimal
from typing import Any


def jsonable(value: Any) -> Any:
    """`value` with every part JSON cannot hold turned into text.

    >>> jsonable({"at": dt.date(2024, 5, 1), "price": Decimal("1.10"), "raw": b"ok"})
    {'at': '2024-05-01', 'price': '1.10', 'raw': 'b2s='}
    """
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, dict):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(item) for item in value]
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    return str(value)
