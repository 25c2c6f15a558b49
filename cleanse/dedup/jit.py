"""How cleanse's numba kernels are compiled and loaded: cached on disk, loaded without registries.

numba keeps each kernel's machine code in its on-disk cache. Before loading it, numba's cache
refreshes its typing and lowering registries (about 250 modules of numba, 0.3-0.5 s of CPU at
every start of a process), which compiling needs and loading machine code does not: that code
calls only numba's runtime (NRT), to allocate and free arrays. `kernel` loads the cached code
after starting the runtime alone; when there is no usable cache entry (first run, new source,
new numba), numba compiles as it always does, and compiling loads the registries itself.
"""

# numba is untyped; these wrappers take and return its dispatchers as they are.
# mypy: disable-error-code="no-untyped-call"
from __future__ import annotations

import importlib
import sys
import threading
import types
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

# numba's array functions probe for a BLAS the first time they are loaded, by importing this
# scipy module (0.3-0.5 s: scipy.linalg and what it pulls in); no kernel here uses a BLAS.
BLAS_PROBE = "scipy.linalg.cython_blas"
_probe_skipped_on_compile = threading.Event()  # set by kernels_only()


def kernel(fn: Callable[..., Any]) -> Any:  # a numba dispatcher
    """`numba.njit(cache=True)` whose cached machine code loads without numba's registries."""
    return _compiled(fn, nogil=False)


def unlocked_kernel(fn: Callable[..., Any]) -> Any:  # a numba dispatcher
    """`kernel`, releasing the GIL while it runs (`nogil=True`): for the kernels the parent of a
    run with workers runs in its duplicate stage, so that meanwhile its other threads (the
    cleaning pool's, which hand documents out and take the cleaned ones back) are not held up.

    The flag is not part of numba's cache key: a kernel changed to or from this decorator must
    change its source file too (the decorator's line does), which invalidates its cache entries.
    """
    return _compiled(fn, nogil=True)


def _compiled(fn: Callable[..., Any], *, nogil: bool) -> Any:
    import numba as nb  # here: importing this module does not import numba (see kernels_only)

    dispatcher = nb.njit(cache=True, nogil=nogil)(fn)
    cache = getattr(dispatcher, "_cache", None)
    load = getattr(cache, "_load_overload", None)
    guard = getattr(cache, "_guard_against_spurious_io_errors", None)
    if cache is None or load is None or guard is None:  # another numba: its own loading
        return dispatcher

    def load_overload(sig: Any, target_context: Any) -> Any:
        from numba.core.runtime.nrt import rtsys

        rtsys.initialize(target_context)  # what the cached code links to: NRT's functions
        with guard(), _environments_unimported():  # guard: an I/O error is a miss, not a failure
            loaded = load(sig, target_context)
            if loaded is None and _probe_skipped_on_compile.is_set():
                skip_blas_probe()  # numba compiles next, loading its registries
            return loaded
        return None  # the guard swallowed an error: numba compiles

    cache.load_overload = load_overload
    return dispatcher


@contextmanager
def _environments_unimported() -> Iterator[None]:
    """While cached code loads (in a process that runs only cleanse's kernels): the environment
    of a numba function linked into a kernel is rebuilt without importing that function's module.

    numba rebuilds each linked function's environment (its module's globals and constants) by
    importing its module: `numba.np.arrayobj` for the array allocations of every kernel, which
    loads about 30 of numba's modules (0.05 s of CPU). Compiled nopython code reads only an
    environment's constants (`EnvironmentManager.read_const`); its globals serve object mode,
    which no kernel here uses. An environment with constants, of a module already imported or
    outside numba is rebuilt by numba as usual.
    """
    if not _probe_skipped_on_compile.is_set():
        yield
        return
    from numba.core import environment

    rebuild = getattr(environment, "_rebuild_env", None)
    memo = getattr(getattr(environment, "Environment", None), "_memo", None)
    if rebuild is None or memo is None:  # another numba: its own rebuilding
        yield
        return

    def rebuild_unimported(modname: str, consts: list[Any], env_name: str) -> Any:
        if consts or env_name in memo or modname in sys.modules or not modname.startswith("numba."):
            return rebuild(modname, consts, env_name)
        env = environment.Environment({"__name__": modname})
        env.env_name = env_name
        memo[env_name] = env
        return env

    environment._rebuild_env = rebuild_unimported  # what the cache's pickles call, by name
    try:
        yield
    finally:
        environment._rebuild_env = rebuild


def kernels_only() -> None:
    """Say that this process runs no numba code but cleanse's kernels (the CLI does): numba is
    imported without what only compiling or numba's own extras need, and if a kernel must be
    compiled, numba's registries then load without their BLAS probe.

    What numba's import loads and a kernel never uses, each skipped only when not loaded yet:
    - scipy, which numba imports only to check that its version is 1.0 or later (about 0.02 s of
      CPU), for numba's own scipy-based functions; scipy imports as usual afterwards;
    - PyYAML, which numba's configuration imports to read a `.numba_config.yaml` in the working
      folder (skipped only when there is none there): 0.03-0.04 s;
    - numba's extensions: at its first compile request (loading a cached kernel is one) numba
      imports every `numba_extensions` entry point, listing those of every installed package,
      and its import loads `importlib.metadata` for that (0.05-0.08 s together). Extensions add
      types and functions to numba's compiler; the kernels use none, so none is loaded: numba
      is told its extensions are loaded, and `importlib.metadata` is imported when first used.
    Nothing changes if numba is loaded already.
    """
    _probe_skipped_on_compile.set()
    if "numba" in sys.modules:
        return
    skipped = [name for name in _SKIPPED_ON_IMPORT if name not in sys.modules]
    if "yaml" in skipped and Path(NUMBA_CONFIG_FILE).exists():
        skipped.remove("yaml")
    for name in skipped:
        sys.modules[name] = None  # type: ignore[assignment]  # numba's import goes on without it
    deferred = "importlib.metadata" not in sys.modules
    if deferred:
        sys.modules["importlib.metadata"] = _ImportedWhenUsed("importlib.metadata")
    try:
        import numba.core.entrypoints
    finally:
        for name in skipped:
            if sys.modules.get(name, name) is None:
                del sys.modules[name]
        if deferred and isinstance(sys.modules.get("importlib.metadata"), _ImportedWhenUsed):
            del sys.modules["importlib.metadata"]
    if isinstance(getattr(numba.core.entrypoints, "_already_initialized", None), bool):
        numba.core.entrypoints._already_initialized = True  # no extension: see above


# Modules numba's import loads that a kernel never uses (see kernels_only), and the file for
# which numba's configuration needs PyYAML.
_SKIPPED_ON_IMPORT = ("scipy", "yaml")
NUMBA_CONFIG_FILE = ".numba_config.yaml"


class _ImportedWhenUsed(types.ModuleType):
    """Stands for a module until one of its attributes is read: the module is imported then."""

    def __getattr__(self, attribute: str) -> Any:
        if sys.modules.get(self.__name__) is self:
            del sys.modules[self.__name__]
        return getattr(importlib.import_module(self.__name__), attribute)


def skip_blas_probe() -> None:
    """Load numba's array functions without its BLAS probe: 0.3-0.5 s less before the first
    kernel is compiled, when scipy is installed (datasketch brings it).

    For processes that run only cleanse's kernels: afterwards numba's `np.correlate` /
    `np.convolve` of floats, in this process, use numba's own loop instead of BLAS. numba's linear
    algebra (`np.dot`, `np.linalg`) still finds the BLAS, which it looks for when such a function
    is compiled. Nothing changes if numba or scipy loaded them already.
    """
    if "numba.np.arraymath" in sys.modules or BLAS_PROBE in sys.modules:
        return
    sys.modules[BLAS_PROBE] = None  # type: ignore[assignment]  # the import fails at once
    try:
        import numba.np.arraymath  # noqa: F401 - loaded now, with the probe failing
    finally:
        if sys.modules.get(BLAS_PROBE, BLAS_PROBE) is None:
            del sys.modules[BLAS_PROBE]
