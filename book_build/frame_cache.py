"""The website's explorer frames, cached by content (book build only).

Drawing every frame of an explorer (:func:`book_build.static_explorer.static_html`)
is most of a chapter's execution in the book build.  When a chapter is
executed again (its code changed, or the jupyter-cache was cleared because
``book_utils`` changed), an explorer whose picture cannot have changed is
taken from this cache instead of being drawn again.  The key is a SHA-256 of

* the sources that draw and pack the frames: every ``book_utils/*.py`` and
  ``book_build/{frames,static_explorer,frame_cache}.py``;
* the versions of Python, numpy, matplotlib and Pillow, and matplotlib's
  ``rcParams`` at drawing time;
* the explorer itself: its id, title, alt text, size, sliders (grids, labels,
  formats), points, drags, and its ``setup`` and ``update`` functions *by
  content*: their byte code and constants, default arguments, the values
  of the variables they close over and of the globals they name (arrays by
  their bytes), recursively through the notebook's (and book_utils') own
  functions they call.

A value this cannot fingerprint deterministically (one that cannot be
pickled, say) makes the explorer uncached: it is drawn, as without a cache.
The cache is a directory of ``<key>.html`` files named by ``BOOK_FRAME_CACHE``
(``book_build.site`` sets it to ``_build/.frame_cache``); without it, nothing
is cached.  ``make clean`` empties it.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import platform
import sys
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENV = "BOOK_FRAME_CACHE"
#: The sources whose every change redraws every explorer.
SOURCES = sorted((ROOT / "book_utils").glob("*.py")) + [
    ROOT / "book_build" / name
    for name in ("frames.py", "static_explorer.py", "frame_cache.py")
]
#: Modules whose functions are fingerprinted by content, like the notebook's.
OWN_MODULES = ("__main__", "book_utils")


class Unhashable(Exception):
    """A value whose content this module cannot fingerprint."""


def _is_own(module: str | None) -> bool:
    module = module or ""
    return any(module == m or module.startswith(m + ".") for m in OWN_MODULES)


class _Fingerprint:
    def __init__(self):
        self.h = hashlib.sha256()
        self.active: set[int] = set()  # objects being fingerprinted (cycles)

    def put(self, *parts) -> None:
        for part in parts:
            data = part if isinstance(part, bytes) else str(part).encode()
            self.h.update(len(data).to_bytes(8, "little") + data)

    def value(self, obj) -> None:  # noqa: C901 (one case per kind of value)
        import numpy as np

        if obj is None or isinstance(obj, (bool, int, float, complex, str, bytes)):
            self.put(type(obj).__name__, repr(obj))
            return
        if isinstance(obj, np.generic):
            self.put("np", obj.dtype.str, repr(obj.item()))
            return
        if id(obj) in self.active:
            self.put("cycle")
            return
        self.active.add(id(obj))
        try:
            self._compound(obj, np)
        finally:
            self.active.discard(id(obj))

    def _compound(self, obj, np) -> None:  # noqa: C901
        if isinstance(obj, np.ndarray):
            if obj.dtype.hasobject:
                self.put("ndarray-object", obj.shape)
                self.value(obj.tolist())
            else:
                self.put("ndarray", obj.dtype.str, obj.shape)
                self.put(hashlib.sha256(np.ascontiguousarray(obj).tobytes()).digest())
        elif isinstance(obj, (list, tuple)):
            self.put(type(obj).__name__, len(obj))
            for item in obj:
                self.value(item)
        elif isinstance(obj, dict):
            self.put(type(obj).__name__, len(obj))
            for k, v in obj.items():
                self.value(k)
                self.value(v)
        elif isinstance(obj, (set, frozenset)):
            self.put(type(obj).__name__, sorted(repr(x) for x in obj))
        elif isinstance(obj, types.FunctionType):
            self.function(obj)
        elif isinstance(obj, types.MethodType):
            self.put("method")
            self.value(obj.__self__)
            self.value(obj.__func__)
        elif isinstance(obj, types.ModuleType):
            self.put("module", obj.__name__)  # book_utils: in SOURCES
        elif isinstance(obj, types.BuiltinFunctionType):
            self.put("builtin", getattr(obj, "__module__", ""), obj.__qualname__)
        elif isinstance(obj, type):
            if _is_own(obj.__module__) and obj.__module__ == "__main__":
                raise Unhashable(f"class {obj.__qualname__} defined in the notebook")
            self.put("type", obj.__module__, obj.__qualname__)
        elif isinstance(obj, types.CodeType):
            self.code(obj)
        else:
            import functools

            if isinstance(obj, functools.partial):
                self.put("partial")
                self.value(obj.func)
                self.value(obj.args)
                self.value(obj.keywords)
                return
            try:
                data = pickle.dumps(obj, protocol=4)
            except Exception as exc:
                raise Unhashable(f"{type(obj).__qualname__}: {exc}") from None
            self.put("pickle", type(obj).__module__, type(obj).__qualname__, data)

    def code(self, code: types.CodeType) -> None:
        self.put("code", code.co_name, code.co_code, code.co_names, code.co_varnames)
        self.put(code.co_freevars, code.co_cellvars)
        for const in code.co_consts:
            self.value(const)

    def function(self, fn: types.FunctionType) -> None:
        if not _is_own(fn.__module__):  # a library's: its name and version
            top = (fn.__module__ or "").split(".")[0]
            version = getattr(sys.modules.get(top), "__version__", "")
            self.put("library function", fn.__module__, fn.__qualname__, version)
            return
        self.put("function", fn.__module__, fn.__qualname__)
        self.code(fn.__code__)
        self.value(fn.__defaults__)
        self.value(fn.__kwdefaults__)
        for cell in fn.__closure__ or ():
            try:
                contents = cell.cell_contents
            except ValueError:  # not yet assigned
                self.put("empty cell")
                continue
            self.value(contents)
        for name in sorted(_global_names(fn.__code__)):
            if name in fn.__globals__:
                self.put("global", name)
                self.value(fn.__globals__[name])


def _global_names(code: types.CodeType) -> set[str]:
    """Every name ``code`` (and the functions and comprehensions defined in
    it) may look up: attribute names included, which only adds to the key."""
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _global_names(const)
    return names


def _sources_digest() -> str:
    h = hashlib.sha256()
    for path in SOURCES:
        h.update(path.name.encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def key(explorer) -> str | None:
    """The explorer's cache key, or None if its content cannot be
    fingerprinted (it is then drawn every time)."""
    import matplotlib
    import numpy as np
    import PIL

    fp = _Fingerprint()
    fp.put(
        "book frame cache 1",
        _sources_digest(),
        platform.python_version(),
        np.__version__,
        matplotlib.__version__,
        PIL.__version__,
    )
    try:
        fp.value(sorted((k, repr(v)) for k, v in matplotlib.rcParams.items()))
        fp.value(
            [
                explorer.uid,
                explorer.title,
                explorer.alt,
                explorer.figsize,
                explorer.dpi,
                explorer.drags,
                [repr(s) for s in explorer.sliders],
                [s.grid for s in explorer.sliders],
            ]
        )
        fp.value(explorer.points)
        fp.value(explorer._setup)
        fp.value(explorer._update)
    except (Unhashable, RecursionError):
        return None
    return fp.h.hexdigest()


def directory() -> Path | None:
    path = os.environ.get(ENV, "")
    return Path(path) if path else None


def load(explorer) -> tuple[str | None, str | None]:
    """``(key, cached HTML or None)`` for the explorer (key None: uncached)."""
    where = directory()
    if where is None:
        return None, None
    k = key(explorer)
    if k is None:
        return None, None
    path = where / f"{k}.html"
    return k, (path.read_text(encoding="utf8") if path.exists() else None)


def store(k: str | None, text: str) -> None:
    where = directory()
    if where is None or k is None:
        return
    where.mkdir(parents=True, exist_ok=True)
    tmp = where / f"{k}.{os.getpid()}.tmp"
    tmp.write_text(text, encoding="utf8")
    tmp.replace(where / f"{k}.html")
