"""Run every chapter under nbval on several CPU configurations at once.

A reader's computer picks other BLAS kernels (OpenBLAS chooses one per CPU at
import) and other SIMD loops in numpy than the machine that stored the
notebooks' outputs, and the last bits of floating-point results differ between
them.  The stored outputs must not depend on those bits, so ``make notebooks``
(part of ``make test``) compares a fresh run with them under each
configuration below, imitated through the environment on an x86-64 CPU:

* the machine's default;
* ``OPENBLAS_CORETYPE=Prescott``: a generic x86-64 BLAS;
* ``NPY_DISABLE_CPU_FEATURES=...``: numpy's own loops without AVX-512;
* and a typical laptop, the BLAS of an AVX2 CPU (``OPENBLAS_CORETYPE=Haswell``)
  with numpy's loops without AVX-512 (:func:`laptop_env`): not here, but in
  the test build, which executes every chapter under it anyway and whose
  outputs are compared with the stored ones by nbval's code
  (:mod:`book_build.nbval_build`), so that no chapter runs twice under one
  configuration.

A configuration this CPU cannot run, or that would run exactly as the
default (numpy without AVX-512 on a CPU that has none), is skipped with the
reason printed.  The configurations run side by side (one pytest per
configuration, the notebooks of each in turn) and the script prints one
line per configuration.

Usage: ``python -m book_build.nbval_configs [NOTEBOOK ...]`` (default: chapters/);
``python book_build/nbval_configs.py --laptop-env`` prints the environment of a
typical laptop (AVX2 BLAS, numpy without AVX-512) for the test build, or
nothing where this CPU cannot imitate one.
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NO_AVX512 = "X86_V4,AVX512_ICL,AVX512_SPR"

#: (name, environment variables set for it, CPU flag it needs or None);
#: "avx512f" means: only where the CPU has it (else it is the default run).
CONFIGS = [
    ("default", {}, None),
    ("generic x86-64 BLAS", {"OPENBLAS_CORETYPE": "Prescott"}, "sse3"),
    ("numpy without AVX-512", {"NPY_DISABLE_CPU_FEATURES": NO_AVX512}, "avx512f"),
]
#: The test build's configuration (a typical laptop), checked there.
LAPTOP = {"OPENBLAS_CORETYPE": "Haswell", "NPY_DISABLE_CPU_FEATURES": NO_AVX512}


def cpu_flags() -> set[str]:
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return set()
    for line in text.splitlines():
        if line.startswith("flags"):
            return set(line.split(":", 1)[1].split())
    return set()


def skip_reason(env: dict, flag: str | None, flags: set[str]) -> str | None:
    """Why this configuration cannot run here, or None."""
    if not env:
        return None
    if platform.machine().lower() not in ("x86_64", "amd64"):
        return f"imitates an x86-64 CPU; this one is {platform.machine()}"
    if flag == "sse3" and "pni" in flags:  # /proc/cpuinfo calls SSE3 "pni"
        return None
    if flag == "avx512f" and flags and flag not in flags:
        return "this CPU has no AVX-512: the same run as the default"
    if flag and flags and flag not in flags:
        return f"this CPU lacks {flag.upper()}"
    if flag and not flags:
        return "cannot read the CPU's flags (/proc/cpuinfo)"
    return None


def run(name: str, env: dict, targets: list[str]) -> tuple[str, int, str, float]:
    start = time.perf_counter()
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "--nbval",
            "--nbval-current-env",
            "-q",
            "-p",
            "no:cacheprovider",
            *targets,
        ],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
    )
    return name, proc.returncode, proc.stdout + proc.stderr, time.perf_counter() - start


def main(targets: list[str]) -> int:
    targets = targets or ["chapters"]
    flags = cpu_flags()
    runnable, lines = [], []
    for name, env, flag in CONFIGS:
        reason = skip_reason(env, flag, flags)
        if reason:
            lines.append(f"  {name:<22} SKIPPED: {reason}")
        else:
            runnable.append((name, env))
    workers = min(len(runnable), max(2, os.cpu_count() or 1))
    with ThreadPoolExecutor(workers) as pool:
        results = list(pool.map(lambda c: run(*c, targets), runnable))
    failed = False
    for name, code, output, seconds in results:
        tail = output.strip().splitlines()[-1] if output.strip() else "(no output)"
        lines.append(f"  {name:<22} {tail}  [{seconds:.0f} s]")
        if code != 0:
            failed = True
            print(f"==== nbval under {name}: FAILED ====")
            print(output)
    print("nbval under each CPU configuration:")
    print("\n".join(lines))
    print(
        f"  {'laptop':<22} (AVX2 BLAS, numpy without AVX-512) on the test build's "
        "outputs (make build-test)"
    )
    return 1 if failed else 0


def laptop_env() -> str:
    """``VAR=value ...`` imitating a typical laptop (AVX2 BLAS and numpy
    without AVX-512) where this CPU can, else "": the test build uses it."""
    if skip_reason(LAPTOP, "avx2", cpu_flags()):
        return ""
    return " ".join(f"{k}={v}" for k, v in LAPTOP.items())


if __name__ == "__main__":
    if sys.argv[1:] == ["--laptop-env"]:
        print(laptop_env())
        sys.exit(0)
    sys.exit(main(sys.argv[1:]))
