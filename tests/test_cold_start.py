"""What a cold start (a Gradescope submission, a CI job) no longer pays, checked without timing anything.

Speed itself lives in ``make bench`` (``benchmarks/cold.py``); here, the causes: the optimizers
no longer import ``torch._dynamo`` (:mod:`autograder.sandbox.lean_optim`), and they still
compute what torch's own methods compute.
"""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT

ALL_SCENARIOS_WITHOUT_DYNAMO = """
import sys
from pathlib import Path
from autograder import references
from autograder.graders.material import scenarios
references.compute(scenarios())
print("torch._dynamo" in sys.modules, "sympy" in sys.modules)
"""


def test_computing_every_reference_result_imports_no_dynamo():
    process = subprocess.run([sys.executable, "-c", ALL_SCENARIOS_WITHOUT_DYNAMO], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert process.returncode == 0, process.stderr[-2000:]
    assert process.stdout.split() == ["False", "False"]


TRAIN = """
import torch
weights = torch.nn.Parameter(torch.linspace(-1, 1, 5))
for make in (lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, weight_decay=0.01), lambda p: torch.optim.Adam(p, lr=0.01)):
    optimizer = make([weights])
    for _ in range(3):
        optimizer.zero_grad()
        (weights**3).sum().backward()
        optimizer.step()
    assert torch.is_grad_enabled()
print([float(w).hex() for w in weights.detach()])
"""


def test_the_eager_step_updates_bit_for_bit_as_torch_does():
    def trained(setup: str, after: str = "") -> str:
        process = subprocess.run([sys.executable, "-c", setup + TRAIN + after], cwd=ROOT, capture_output=True, text=True, timeout=300)
        assert process.returncode == 0, process.stderr[-2000:]
        return process.stdout

    torch_own = trained("import torch, torch._dynamo\n")
    lean = trained(
        "from autograder.sandbox.lean_optim import skip_dynamo\nskip_dynamo()\n", "import sys\nassert 'torch._dynamo' not in sys.modules\n"
    )
    assert lean == torch_own
