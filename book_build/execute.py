"""Run chapter notebooks top to bottom in a fresh kernel and store their outputs.

``make execute`` calls this (build-only code: readers never import it).  The
stored file depends only on the notebook's code and the mathematics, not on
when or where it ran, so re-executing an unchanged chapter leaves no diff:

* no timing metadata (``record_timing=False``);
* printed text in one output per stream, however the kernel's messages
  happened to be split (``coalesce_streams=True``);
* the ids of the explorers' widgets, random in every kernel, are renumbered
  in an order fixed by the notebook (``000…001``, ...), in the outputs and in
  the saved widget state alike, so JupyterLab still finds each widget's state.

Usage: ``python -m book_build.execute chapters/01_x.ipynb [...]``
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

UUID = re.compile(r"(?<![0-9a-f])[0-9a-f]{32}(?![0-9a-f])")


REF = re.compile(r"IPY_MODEL_([0-9a-f]{32})")


def _widget_order(nb: nbformat.NotebookNode) -> list[str]:
    """Every widget model id, in an order that does not depend on the ids:
    the widgets the cells show, in cell order, each followed (depth first) by
    the models its state refers to, in the order of its property names."""
    state = (
        nb.metadata.get("widgets", {})
        .get("application/vnd.jupyter.widget-state+json", {})
        .get("state", {})
    )
    order: list[str] = []

    def visit(model_id: str) -> None:
        if model_id in order:
            return
        order.append(model_id)
        if model_id in state:
            for ref in REF.findall(json.dumps(state[model_id], sort_keys=True)):
                visit(ref)

    for cell in nb.cells:
        for out in cell.get("outputs", []):
            view = out.get("data", {}).get("application/vnd.jupyter.widget-view+json")
            if view:
                visit(view["model_id"])
    unseen = set(state) - set(order)
    order += sorted(
        unseen, key=lambda m: UUID.sub("", json.dumps(state[m], sort_keys=True))
    )
    return order


def stable_widget_ids(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """``nb`` with every widget model id replaced by one numbered in order."""
    mapping = {old: f"{i:032x}" for i, old in enumerate(_widget_order(nb))}
    text = UUID.sub(lambda m: mapping.get(m.group(0), m.group(0)), nbformat.writes(nb))
    return nbformat.reads(text, as_version=4)


def execute(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)  # timings of an earlier run
    client = NotebookClient(
        nb,
        timeout=300,
        kernel_name="python3",
        record_timing=False,
        coalesce_streams=True,  # one stream output per cell, however it arrived
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    nbformat.write(stable_widget_ids(nb), path)


def main(paths: list[str]) -> None:
    if not paths:
        raise SystemExit("usage: python -m book_build.execute NOTEBOOK.ipynb [...]")
    for p in paths:
        print(f"executing {p}", flush=True)
        execute(Path(p))


if __name__ == "__main__":
    main(sys.argv[1:])
