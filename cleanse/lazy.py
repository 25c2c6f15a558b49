"""Lazy exports (PEP 562): a package's public names imported from their modules on first use.

A package keeps a table of public name -> defining module and gets its `__getattr__` and
`__dir__` here, so importing it loads none of those modules until a name is read.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def lazy_exports(
    package: str, exports: Mapping[str, str], namespace: dict[str, Any]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The module `__getattr__` and `__dir__` of `package`, whose globals are `namespace`.

    >>> space = {}
    >>> getattr_, dir_ = lazy_exports("pkg", {"join": "os.path"}, space)
    >>> getattr_("join").__name__, "join" in space
    ('join', True)
    >>> dir_()
    ['join']
    """

    def lookup(name: str) -> Any:
        module = exports.get(name)
        if module is None:
            msg = f"module {package!r} has no attribute {name!r}"
            raise AttributeError(msg)
        value = getattr(importlib.import_module(module), name)
        namespace[name] = value  # later lookups skip this function
        return value

    def listing() -> list[str]:
        return sorted({*namespace, *exports})

    return lookup, listing
