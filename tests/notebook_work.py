"""Student work on notebooks, for the notebook and platform tests: a notebook filled in like a student would.

``fill`` replaces every stub of a notebook (a code cell that defines one of the part's functions and
still raises NotImplementedError) by the reference solution, optionally with a typical mistake
patched in. It works on any flavour: plain, nbgrader's release, otter's student notebook.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

from autograder.platforms.notebook_builder import part_cells
from autograder.stubs import BEGIN, END

# A typical mistake per part, as a patch of the solution (each must match exactly once).
MISTAKES = {
    "training_loop": ("    optimizer.zero_grad()\n    y_hat = model(X).flatten()\n", "    y_hat = model(X).flatten()\n"),
    "backprop": ('    d_y_hat = 2.0 * (f["y_hat"] - y)\n', '    d_y_hat = f["y_hat"] - y\n'),
    "early_stopping": ("        if consecutive_increases == patience:\n", "        if consecutive_increases > patience:\n"),
}
KINDS = ("solution", "untouched", "mistake")


def solutions(part: str, mistake: tuple[str, str] | None = None) -> dict[str, str]:
    """Function name -> its solution source (without the fences), the mistake applied where it matches."""
    found = {}
    for cell in part_cells(part):
        if cell.role != "solution":
            continue
        source = "\n".join(line for line in cell.source.splitlines() if line.strip() not in (BEGIN, END)) + "\n"
        if mistake and mistake[0] in source:
            assert source.count(mistake[0]) == 1
            source = source.replace(*mistake)
        found[cell.names[0]] = source
    if mistake:
        assert any(mistake[1] in source for source in found.values()), f"the mistake does not apply to {part}"
    return found


def fill(notebook: dict, part: str, kind: str = "solution") -> dict:
    """A copy of ``notebook`` with its stubs written: ``kind`` is "solution", "untouched" or "mistake"."""
    filled = copy.deepcopy(notebook)
    if kind == "untouched":
        return filled
    sources = solutions(part, MISTAKES[part] if kind == "mistake" else None)
    replaced = set()
    for cell in filled["cells"]:
        text = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        for name, source in sources.items():
            if cell["cell_type"] == "code" and f"def {name}(" in text and "raise NotImplementedError()" in text:
                cell["source"] = source
                replaced.add(name)
    assert replaced == set(sources), f"stubs not found for {set(sources) - replaced}"
    return filled


def write(path: Path, notebook: dict) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(notebook, indent=1))
    return path


def execute(notebook: dict, cwd: Path, kernel: str = "python3", timeout: float = 600, env: dict | None = None) -> dict[str, str]:
    """Run ``notebook`` in a real Jupyter kernel (its demos replaced by ``pass``: they only draw); cell id -> its output text.

    ``kernel`` names a kernelspec; ``env`` (default: this process's) is the kernel's environment."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.from_dict(copy.deepcopy(notebook))
    for cell in nb.cells:
        if cell.get("id", "").startswith("demo"):
            cell.source = "pass"
    client = NotebookClient(nb, timeout=timeout, kernel_name=kernel, allow_errors=True, resources={"metadata": {"path": str(cwd)}})
    client.execute(**({"env": env} if env is not None else {}))
    texts = {}
    for cell in nb.cells:
        if cell.cell_type == "code":
            texts[cell.get("id", "")] = "".join(  # streams, errors, and what was displayed (as its plain text)
                str(output.get("text", "")) + str(output.get("ename", "")) + str(output.get("evalue", ""))
                + str(output.get("data", {}).get("text/plain", ""))
                for output in cell.outputs
            )
    return texts
