"""What the book costs to build, test and use, and how book_utils compares with
statsmodels.  ``make bench`` runs every part and prints one table.

    python benchmarks/bench.py                      # everything (what make bench runs)
    python benchmarks/bench.py --only fits,memory   # some parts: book, test,
                                                    # explorers, fits, memory, pages

The book and test figures run on a throw-away clone of HEAD (uncommitted changes
are not measured), which reuses this Python's environment, so that editing a
code cell for the "one cell edited" figure never touches the real checkout.
Timings on a shared machine are noisy: the fits alternate the two libraries and
report the median of the per-pair ratios.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import pathlib
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
import warnings

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # measure this checkout's book_utils

PARTS = ("book", "test", "explorers", "fits", "memory", "pages")
MAX_FRAMES = 200  # explorer frames timed per explorer (a sample if the grid is larger)
NIST_LONGLEY = {
    "const": -3482258.63459582,
    "GNPDEFL": 15.0618722713733,
    "GNP": -0.0358191792925910,
    "UNEMP": -2.02022980381683,
    "ARMED": -1.03322686717359,
    "POP": -0.0511041056535807,
    "YEAR": 1829.15146461355,
}

ROWS: list[tuple[str, str, str, str]] = []  # figure, measured, target, verdict


def row(figure: str, measured: str, target: str, ok: bool | None) -> None:
    verdict = {True: "yes", False: "**no**", None: "n/a"}[ok]
    ROWS.append((figure, measured, target, verdict))
    print(f"  {figure}: {measured}  (target {target}: {verdict})", flush=True)


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------------------
# the machine
# --------------------------------------------------------------------------------------


def machine() -> list[str]:
    import matplotlib
    import scipy
    import statsmodels

    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in pathlib.Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    blas = "?"
    with contextlib.suppress(Exception):
        cfg = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        blas = f"{cfg['name']} {cfg['version']}"
    env = {k: v for k, v in os.environ.items() if k.startswith("OPENBLAS_")}
    return [
        f"CPU: {cpu}, {os.cpu_count()} logical cores; "
        f"load average at start {os.getloadavg()[0]:.1f}",
        f"Python {platform.python_version()} on {platform.system()} "
        f"{platform.release()}; numpy {np.__version__} ({blas}), scipy "
        f"{scipy.__version__}, statsmodels {statsmodels.__version__}, "
        f"matplotlib {matplotlib.__version__}, jupyter-book {_version('jupyter-book')}",
        f"environment: {env or 'no OPENBLAS_* variables'}",
    ]


def _version(dist: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(dist)
    except PackageNotFoundError:
        return "not installed"


# --------------------------------------------------------------------------------------
# book and test: on a clone of HEAD
# --------------------------------------------------------------------------------------


def clone_with_this_venv(tmp: pathlib.Path) -> pathlib.Path:
    """A clone of HEAD whose .venv is this interpreter's virtual environment
    (every entry linked, the stamp fresh), so `make` there neither creates nor
    modifies a venv."""
    venv = pathlib.Path(sys.executable).parent.parent
    if sys.prefix == sys.base_prefix or not (venv / "pyvenv.cfg").exists():
        raise SystemExit("run the benchmarks with the book's venv python (make bench)")
    repo = tmp / "book"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(repo)], check=True)
    (repo / ".venv").mkdir()
    for entry in venv.iterdir():
        if entry.name != ".installed-stamp":
            (repo / ".venv" / entry.name).symlink_to(entry, entry.is_dir())
    (repo / ".venv" / ".installed-stamp").touch()  # newer than the pins
    return repo


def make_env(repo: pathlib.Path) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"MAKEFLAGS", "MFLAGS", "MAKELEVEL"}
    }
    env["PYTHONPATH"] = str(repo)  # kernels and tests import the clone's book_utils
    return env


#: CPU seconds (user + system) of the last run_make and all it started: on a
#: shared machine the wall time depends on the others' load, this much less.
LAST_CPU = [0.0]


def children_cpu() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_make(
    repo: pathlib.Path, target: str, *args: str, extra_env: dict | None = None
) -> tuple[float, int, str]:
    start, cpu = time.perf_counter(), children_cpu()
    proc = subprocess.run(
        ["make", "-C", str(repo), target, *args],
        env={**make_env(repo), **(extra_env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    LAST_CPU[0] = children_cpu() - cpu
    return time.perf_counter() - start, proc.returncode, proc.stdout


def cache_records(repo: pathlib.Path) -> dict[int, tuple[str, float]]:
    """The jupyter-cache records of the clone's build:
    {pk: (notebook, seconds its execution took)}."""
    from jupyter_cache import get_cache

    path = repo / "_build" / ".jupyter_cache"
    if not path.exists():
        return {}
    return {
        r.pk: (r.uri, (r.data or {}).get("execution_seconds") or 0.0)
        for r in get_cache(path).list_cache_records()
    }


def build(repo: pathlib.Path, label: str) -> tuple[float, list[str], int, float]:
    """Run `make book`; return its time, the notebooks jupyter-cache executed
    (records that are new after the build), the "Executing notebook" lines and
    the seconds spent executing."""
    before = cache_records(repo)
    seconds, rc, out = run_make(repo, "book")
    if rc != 0:
        log(out[-4000:])
        raise SystemExit(f"make book ({label}) failed with exit code {rc}")
    after = cache_records(repo)
    new = {pk: rec for pk, rec in after.items() if pk not in before}
    executed = sorted(
        pathlib.Path(uri).relative_to(repo).as_posix() for uri, _ in new.values()
    )
    executing = sum(s for _, s in new.values())
    lines = sum("Executing notebook using" in line for line in out.splitlines())
    log(
        f"  make book ({label}): {seconds:.1f} s, executed {executed} "
        f"({executing:.1f} s executing)"
    )
    return seconds, executed, lines, executing


def edit_one_code_cell(repo: pathlib.Path) -> str:
    """Add a harmless first line to the first code cell of the first chapter."""
    import nbformat

    path = sorted((repo / "chapters").glob("*.ipynb"))[0]
    nb = nbformat.read(path, as_version=4)
    cell = next(c for c in nb.cells if c.cell_type == "code" and c.source.strip())
    cell.source = "_bench_edit = 1  # benchmark: one edited code cell\n" + cell.source
    nbformat.write(nb, path)
    return path.relative_to(repo).as_posix()


def edit_one_markdown_cell(repo: pathlib.Path) -> str:
    import nbformat

    path = sorted((repo / "chapters").glob("*.ipynb"))[-1]
    nb = nbformat.read(path, as_version=4)
    cell = next(c for c in nb.cells if c.cell_type == "markdown" and "\n\n" in c.source)
    cell.source = cell.source.replace("\n\n", "\n\nOne sentence more.\n\n", 1)
    nbformat.write(nb, path)
    return path.relative_to(repo).as_posix()


def bench_book(repo: pathlib.Path) -> None:
    shutil.rmtree(repo / "_build", ignore_errors=True)
    chapters = len(list((repo / "chapters").glob("*.ipynb")))
    t, executed, lines, busy = build(repo, "clean _build")
    row(
        f"`make book`, clean `_build` ({chapters} chapters)",
        f"{t:.0f} s, CPU {LAST_CPU[0]:.0f} s ({len(executed)} notebooks executed, "
        f"taking {busy:.0f} s)",
        "≤ 150 s",
        t <= 150,
    )
    t, executed, lines, busy = build(repo, "nothing changed")
    row(
        "`make book` again, nothing changed",
        f"{t:.1f} s, CPU {LAST_CPU[0]:.1f} s ({len(executed)} executed, "
        f"{lines} 'Executing' lines)",
        "≤ 10 s, none executed",
        t <= 10 and not executed and lines == 0,
    )
    edited = edit_one_markdown_cell(repo)
    t, executed, lines, busy = build(repo, f"{edited} prose edited")
    row(
        "`make book` after editing one chapter's prose",
        f"{t:.1f} s, CPU {LAST_CPU[0]:.1f} s; re-executed: "
        f"{', '.join(executed) or 'none'}",
        "≤ 10 s, none executed",
        t <= 10 and not executed,
    )
    subprocess.run(["git", "-C", str(repo), "checkout", "--quiet", "--", edited])
    build(repo, "prose edit undone")
    edited = edit_one_code_cell(repo)
    t, executed, lines, busy = build(repo, f"{edited} edited")
    only_that = executed == [edited] and lines == 1
    row(
        "`make book` after editing one code cell",
        f"{t:.1f} s, CPU {LAST_CPU[0]:.1f} s; re-executed: "
        f"{', '.join(executed) or 'none'} (taking {busy:.0f} s; {lines} 'Executing' "
        "line; its explorers' frames from the frame cache when unchanged)",
        "≤ 10 s plus that chapter's execution, only that notebook",
        t - busy <= 10 and only_that,
    )
    subprocess.run(["git", "-C", str(repo), "checkout", "--quiet", "--", edited])


# make test's stages, recognised by their recipe lines (benchmarks/stage_shell.py
# records each line), and the branch of the parallel part each belongs to
STAGES = (
    ("pip install", "the venv", "venv"),
    ("ruff ", "lint", "lint"),
    ("pytest tests -q --ignore=tests/browser", "unit tests", "unit"),
    ("book_build.nbval_configs", "nbval, each CPU configuration", "nbval"),
    ("nbval_build --prepare", "test build: prepare", "build"),
    ("jupyter-book build", "test build (laptop kernels)", "build"),
    ("-p book_build.nbval_build", "nbval on the test build", "build"),
    ('-k "not (', "site checks (untimed browser)", "build"),
    ("tests/browser/test_lab.py -q", "JupyterLab markdown", "lab"),
    ("test_lab_explorers", "timed browser + JupyterLab explorers", "timed"),
)


def stage_breakdown(log: pathlib.Path) -> None:
    """Rows for each stage of one `make test` (wall and CPU seconds, when it
    ran) and for its longest chain."""
    records = [json.loads(line) for line in log.read_text().splitlines()]
    if not records:
        return
    t0 = min(r["start"] for r in records)
    stages: dict[str, dict] = {}
    for r in records:
        match = next((s for s in STAGES if s[0] in r["cmd"]), None)
        if match is None:
            continue
        entry = stages.setdefault(
            match[1], {"branch": match[2], "wall": 0.0, "cpu": 0.0, "spans": []}
        )
        entry["wall"] += r["end"] - r["start"]
        entry["cpu"] += r["cpu"]
        entry["spans"].append((r["start"] - t0, r["end"] - t0))
    for name, e in stages.items():
        start, end = min(a for a, _ in e["spans"]), max(b for _, b in e["spans"])
        row(
            f"`make test` stage: {name}",
            f"{e['wall']:.0f} s wall, CPU {e['cpu']:.0f} s (from {start:.0f} s to "
            f"{end:.0f} s)",
            "—",
            None,
        )
    branches: dict[str, float] = {}
    for e in stages.values():
        branches[e["branch"]] = branches.get(e["branch"], 0.0) + e["wall"]
    parallel = {b: t for b, t in branches.items() if b not in ("venv", "lint", "timed")}
    longest = max(parallel, key=parallel.get) if parallel else None
    chain = [b for b in ("venv", "lint") if b in branches]
    chain += [longest] if longest else []
    chain += ["timed"] if "timed" in branches else []
    from book_build import nbval_configs as nc

    flags = nc.cpu_flags()
    configs = [n for n, env, f in nc.CONFIGS if not nc.skip_reason(env, f, flags)]
    row(
        "`make test`: runs of each chapter",
        f"{len(configs) + 1}: nbval under {len(configs)} CPU configurations "
        f"({', '.join(configs)}) and the test build; chapter 5 twice more, 8 and 9 "
        "once more (JupyterLab explorer tests), chapter 1 twice more (a reader "
        "notebook run outside the repository, the re-execution check)",
        "—",
        None,
    )
    total_cpu = sum(e["cpu"] for e in stages.values())
    row(
        "`make test`: longest chain (stages run one after another)",
        " → ".join(f"{b} {branches[b]:.0f} s" for b in chain)
        + f" = {sum(branches[b] for b in chain):.0f} s; CPU of all stages "
        f"{total_cpu:.0f} s on {os.cpu_count()} cores",
        "≤ 360 s",
        sum(branches[b] for b in chain) <= 360,
    )


def bench_test(repo: pathlib.Path) -> None:
    shutil.rmtree(repo / "_build", ignore_errors=True)  # as on CI: a clean checkout
    times = repo.parent / "stage-times.jsonl"  # outside the clone's work tree
    times.unlink(missing_ok=True)
    shell = ROOT / "benchmarks" / "stage_shell.py"
    seconds, rc, out = run_make(
        repo, "test", f"SHELL={shell}", extra_env={"STAGE_LOG": str(times)}
    )
    if rc != 0:
        log(out[-4000:])
    row(
        "`make test` (clean `_build`)",
        f"{seconds:.0f} s, CPU {LAST_CPU[0]:.0f} s "
        f"({'passed' if rc == 0 else f'FAILED, exit {rc}'})",
        "≤ 360 s",
        seconds <= 360 and rc == 0,
    )
    stage_breakdown(times)


# --------------------------------------------------------------------------------------
# pages: first paint, load and weight of every page on a phone over fast 4G
# --------------------------------------------------------------------------------------


def bench_pages(site: pathlib.Path) -> None:
    import functools
    import http.server
    import threading

    from playwright.sync_api import sync_playwright

    from book_build.pageload import CPU_SLOWDOWN, FAST_4G, PHONE, measure

    if not (site / "index.html").exists():
        log(f"pages: no built site in {site}; run `make book` first")
        return
    pages = ["intro.html"] + sorted(
        p.relative_to(site).as_posix() for p in (site / "chapters").glob("*.html")
    )

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    chromium = os.environ.get("CHROMIUM") or shutil.which("chromium")
    results = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=chromium, args=["--no-sandbox", "--disable-gpu"]
            )
            for page in pages:
                # the median of three loads, each in a fresh context
                runs = [measure(browser, url + page, page) for _ in range(3)]
                results.append(
                    (
                        page,
                        float(np.median([r.first_paint for r in runs])),
                        float(np.median([r.load for r in runs])),
                        runs[0].bytes,
                    )
                )
                log(f"pages: {page} {results[-1][1:]}")
            browser.close()
    finally:
        server.shutdown()
    setup = (
        f"{PHONE['viewport']['width']}×{PHONE['viewport']['height']} at DPR "
        f"{PHONE['device_scale_factor']}, {FAST_4G['downloadThroughput'] * 8 / 1e6:.0f}"
        f" Mbit/s, {FAST_4G['latency']} ms, CPU ÷{CPU_SLOWDOWN}, uncompressed"
    )
    for page, first_paint, load, _weight in results:
        row(
            f"phone first paint, `{page}` ({setup})",
            f"{first_paint:.2f} s",
            "≤ 1.0 s",
            first_paint <= 1.0,
        )
        row(f"phone load event, `{page}`", f"{load:.2f} s", "≤ 3.0 s", load <= 3.0)
    intro = next(r for r in results if r[0] == "intro.html")
    row(
        "text-only page weight (`intro.html`, with all it loads)",
        f"{intro[3] / 1e6:.2f} MB",
        "≤ 1 MB",
        intro[3] <= 1e6,
    )


# --------------------------------------------------------------------------------------
# explorers: run each chapter's code in a fresh process, time every explorer
# --------------------------------------------------------------------------------------


def explorers_of(notebook: pathlib.Path) -> list[dict]:
    """Execute the notebook's code cells in-process (Agg backend, the notebook's
    directory as the working directory) and time the live widget's path from
    a new slider index to the new picture (the widget's ``index`` set, as the
    front-end sets it; the kernel draws the frame and encodes what changed),
    over each explorer's grid."""
    import matplotlib

    matplotlib.use("Agg")
    import nbformat
    from IPython.core.interactiveshell import InteractiveShell

    from book_utils import Explorer

    made: list = []
    original_init = Explorer.__init__

    def recording_init(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        made.append(self)

    Explorer.__init__ = recording_init
    os.chdir(notebook.parent)
    shell = InteractiveShell.instance()
    nb = nbformat.read(notebook, as_version=4)
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or not cell.source.strip():
            continue
        with (
            contextlib.redirect_stdout(io.StringIO()),
            contextlib.redirect_stderr(io.StringIO()),
            warnings.catch_warnings(),
        ):
            warnings.simplefilter("ignore")
            result = shell.run_cell(cell.source, store_history=False, silent=False)
        failed = result.error_before_exec or result.error_in_exec
        if failed and "raises-exception" not in cell.metadata.get("tags", []):
            raise RuntimeError(f"{notebook.name}: code cell {i} failed: {failed!r}")

    out = []
    rng = np.random.default_rng(0)
    reference = reference_draw_ms()
    for e in made:
        grid = list(e.grid())
        if len(grid) > MAX_FRAMES:
            keep = np.sort(rng.choice(len(grid), MAX_FRAMES, replace=False))
            grid = [grid[j] for j in keep]
        widget = e.widget  # draws the starting frame
        names = [s.name for s in e.sliders]
        ms = []
        for values in grid:
            index = [
                s.grid.index(values[n]) for s, n in zip(e.sliders, names, strict=True)
            ]
            if index == list(widget.index):
                continue
            start = time.perf_counter()
            widget.index = index
            ms.append(1e3 * (time.perf_counter() - start))
        out.append(
            {
                "notebook": notebook.name,
                "title": e.title,
                "frames": len(ms),
                "grid": len(list(e.grid())),
                "median": float(np.median(ms)),
                "p95": float(np.percentile(ms, 95)),
                "reference": reference,
            }
        )
    return out


def reference_draw_ms() -> float:
    """The median time of one fixed full matplotlib draw (plain Agg, no
    cache) in this process: explorer times divided by it show how much of a
    slow reading is the machine's load (several processes share it)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    x = np.linspace(-5, 5, 201)
    fig = Figure(figsize=(7.0, 3.4), dpi=96)
    FigureCanvasAgg(fig)
    ax = fig.subplots()
    ax.plot(x, 1 / (1 + np.exp(-x)))
    ax.set(xlabel="input x", ylabel="probability p(x)", title="σ(x)")
    ms = []
    for _ in range(7):
        start = time.perf_counter()
        fig.canvas.draw()
        ms.append(1e3 * (time.perf_counter() - start))
    return float(np.median(ms))


def bench_explorers() -> None:
    notebooks = sorted((ROOT / "chapters").glob("*.ipynb"))
    env = {**os.environ, "MPLBACKEND": "Agg", "PYTHONPATH": str(ROOT)}
    found = []
    for nb in notebooks:
        proc = subprocess.run(
            [sys.executable, __file__, "--explorers-of", str(nb)],
            env=env,
            stdout=subprocess.PIPE,
            text=True,
            check=True,
        )
        found += json.loads(proc.stdout.strip().splitlines()[-1])
    if not found:
        row("explorer live update", "no explorers found", "median ≤ 30 ms", None)
    for e in found:
        frames = f"{e['frames']} frames" + (
            f" of {e['grid']}" if e["frames"] < e["grid"] else ""
        )
        ratio = e["median"] / e["reference"]
        row(
            f"explorer '{e['title']}' ({e['notebook'][:2]}), live update",
            f"median {e['median']:.1f} ms, p95 {e['p95']:.1f} ms ({frames}); "
            f"{ratio:.2f}× a plain figure draw ({e['reference']:.1f} ms)",
            "median ≤ 30 ms",
            e["median"] <= 30,
        )


# --------------------------------------------------------------------------------------
# fits against statsmodels
# --------------------------------------------------------------------------------------


def simulated(n: int, k: int = 11, seed: int = 20240611):
    rng = np.random.default_rng(seed)
    X = np.column_stack([np.ones(n), rng.normal(size=(n, k - 1))])
    beta = np.linspace(-0.8, 0.8, k)
    eta = X @ beta
    y_logit = (rng.random(n) < 1.0 / (1.0 + np.exp(-eta))).astype(float)
    y_normal = eta + rng.normal(scale=2.0, size=n)
    return X, y_logit, y_normal


def alternate(ours, theirs, reps: int) -> tuple[float, float, float]:
    """Median time of each and median of the per-pair ratios, alternating
    which one runs first."""
    t_ours, t_theirs = [], []
    for i in range(reps):
        for which in (0, 1) if i % 2 == 0 else (1, 0):
            fn, times = (ours, t_ours) if which == 0 else (theirs, t_theirs)
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
    ratios = np.array(t_ours) / np.array(t_theirs)
    return (
        float(np.median(t_ours)),
        float(np.median(t_theirs)),
        float(np.median(ratios)),
    )


def max_rel_diff(a, b) -> float:
    a, b = np.asarray(a, float), np.asarray(b, float)
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(b), 1.0)))


def bench_fits(reps: int) -> None:
    import statsmodels.api as sm

    import book_utils as bu

    for n in (10**5, 10**6):
        X, y, y_lin = simulated(n)
        size = f"n = 10^{round(np.log10(n))}, k = {X.shape[1]}"
        r = reps if n >= 10**6 else 3 * reps

        # logistic: statsmodels' default newton with its default tol, 1e-8
        ours = bu.fit_logistic(X, y, tol=1e-8)
        ref = sm.Logit(y, X).fit(disp=0)
        diff = max_rel_diff(ours.params, ref.params)
        if diff > 1e-8:
            row(
                f"`fit_logistic` / `Logit`, {size}",
                f"estimates differ by {diff:.1e}",
                "≤ 0.4",
                False,
            )
        else:
            a, b, ratio = alternate(
                lambda X=X, y=y: bu.fit_logistic(X, y, tol=1e-8),
                lambda X=X, y=y: sm.Logit(y, X).fit(disp=0),
                r,
            )
            row(
                f"`fit_logistic` / `Logit`, {size}",
                f"{ratio:.2f} ({a * 1e3:.0f} / {b * 1e3:.0f} ms; "
                f"{ours.n_iter} vs {ref.mle_retvals['iterations']} iterations; "
                f"estimates within {diff:.0e})",
                "≤ 0.4",
                ratio <= 0.4,
            )

        ours = bu.fit_normal_linear(X, y_lin)
        ref = sm.OLS(y_lin, X).fit()
        diff = max_rel_diff(ours.params, ref.params)
        if diff > 1e-8:
            row(
                f"`fit_normal_linear` / `OLS`, {size}",
                f"estimates differ by {diff:.1e}",
                "≤ 0.7",
                False,
            )
        else:
            a, b, ratio = alternate(
                lambda X=X, y=y_lin: bu.fit_normal_linear(X, y),
                lambda X=X, y=y_lin: sm.OLS(y, X).fit(),
                r,
            )
            row(
                f"`fit_normal_linear` / `OLS`, {size}",
                f"{ratio:.2f} ({a * 1e3:.0f} / {b * 1e3:.0f} ms; "
                f"estimates within {diff:.0e})",
                "≤ 0.7",
                ratio <= 0.7,
            )

    # Ill-conditioned: Longley against the NIST certified values, digits = the
    # log relative error (LRE) of the worst coefficient.
    data = sm.datasets.longley.load_pandas()
    Xl = sm.add_constant(data.exog)
    certified = np.array([NIST_LONGLEY[c] for c in Xl.columns])
    Xl, yl = Xl.to_numpy(), data.endog.to_numpy()

    def digits(est):
        rel = np.abs(np.asarray(est) - certified) / np.abs(certified)
        return float(np.min(-np.log10(np.maximum(rel, 1e-17))))

    d_ours = digits(bu.fit_normal_linear(Xl, yl).params)
    d_sm = digits(sm.OLS(yl, Xl).fit().params)
    row(
        "Longley (NIST), correct digits of the worst coefficient",
        f"`fit_normal_linear` {d_ours:.1f}, `OLS` {d_sm:.1f}",
        "as many as `OLS`",
        round(d_ours, 1) >= round(d_sm, 1),
    )


def bench_memory() -> None:
    import statsmodels.api as sm

    import book_utils as bu

    X, y, _ = simulated(10**6)

    def peak(fn) -> float:
        tracemalloc.start()
        fn()
        _, top = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return top / X.nbytes

    ours = peak(lambda: bu.fit_logistic(X, y, tol=1e-8))
    theirs = peak(lambda: sm.Logit(y, X).fit(disp=0))
    row(
        "peak memory of `fit_logistic`, 10^6 × 11 (tracemalloc)",
        f"{ours:.2f} × X ({ours * X.nbytes / 2**20:.0f} MiB; `Logit`: {theirs:.2f} × X)",
        "≤ 3 × X",
        ours <= 3,
    )


# --------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--only", default=",".join(PARTS), help=f"comma-separated parts of {PARTS}"
    )
    parser.add_argument(
        "--reps", type=int, default=5, help="timed pairs per fit at 10^6"
    )
    parser.add_argument("--explorers-of", type=pathlib.Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.explorers_of:  # the child process of bench_explorers
        print(json.dumps(explorers_of(args.explorers_of.resolve())))
        return

    parts = [p.strip() for p in args.only.split(",") if p.strip()]
    unknown = set(parts) - set(PARTS)
    if unknown:
        parser.error(f"unknown part(s) {sorted(unknown)}; choose from {PARTS}")
    head = machine()
    for line in head:
        print(line)
    if "book" in parts or "test" in parts:
        with tempfile.TemporaryDirectory(prefix="book-bench-") as tmp:
            repo = clone_with_this_venv(pathlib.Path(tmp))
            log(f"book and test figures on a clone of HEAD in {repo}")
            if "book" in parts:
                bench_book(repo)
            if "test" in parts:
                bench_test(repo)
    if "explorers" in parts:
        bench_explorers()
    if "fits" in parts:
        bench_fits(args.reps)
    if "memory" in parts:
        bench_memory()
    if "pages" in parts:
        bench_pages(ROOT / "_build" / "html")

    print()
    for line in head:
        print(f"- {line}")
    print(f"- load average at the end {os.getloadavg()[0]:.1f}")
    print()
    print("| figure | measured | target | met |")
    print("|---|---|---|---|")
    for r in ROWS:
        print("| " + " | ".join(r) + " |")


if __name__ == "__main__":
    main()
