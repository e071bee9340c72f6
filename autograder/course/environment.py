"""The Python environments, written once: the grading pins, the students' ranges, and the student README's install commands.

The grading environment (``pyproject.toml``) pins exact versions, because the hidden graders'
reference curves depend on them; ``tests/test_student_machine.py`` checks that :data:`GRADING_PINS`
says the same. Students get ranges (:data:`STUDENT_REQUIREMENTS`): the public checks carry no
reference curves, so any torch and NumPy in the range runs them. The bundle's README is generated
from :data:`SETUP` (the test installs a fresh environment with exactly those commands).

Example:
    >>> GRADING_PINS["torch"]
    '2.13.0'
"""

from __future__ import annotations

GRADING_PINS = {"python": "3.11", "torch": "2.13.0", "numpy": "2.4.6"}
SUPPORTED_PYTHON = ("3.11", "3.12", "3.13")  # tomllib and exception groups need 3.11
TORCH_RANGE = "torch>=2.3"  # the first torch built for NumPy 2 as well as 1.x
TORCH_CPU_INDEX = "https://download.pytorch.org/whl/cpu"  # PyTorch's CPU-only wheels (small: no CUDA)

# requirements.txt in the student bundle. torch is installed first, from the CPU index (see SETUP).
STUDENT_REQUIREMENTS = (
    TORCH_RANGE,
    "numpy>=1.26",
    "scikit-learn>=1.3",
    "pytest>=8.0",
    "rich>=13.0",
    "matplotlib>=3.7",
    "jinja2>=3.1",  # the feedback report's templates (check --report)
    "nbformat>=5.9",  # reading a notebook handed to check, and check() inside one
    "junitparser>=4.0",  # `ci --junit` (4.0.2 and 5.0.3 tried; grading pins 5.0.3)
)
# requirements-notebooks.txt: Jupyter, to open notebooks/ (not needed for `check`), and the bundle itself: `-e .`
# installs this folder's checks in place (the bundle has a pyproject.toml), because a notebook's kernel starts in
# notebooks/, where `from autograder.notebook_checks import checks_for` finds nothing otherwise. In place (editable),
# so the checks a notebook imports are the very files `python -m autograder check` runs. pip reads `.` from the
# folder it runs in: the README runs it in the bundle's folder.
NOTEBOOK_REQUIREMENTS = ("-r requirements.txt", "jupyterlab>=4.0", "-e .")

# The commands a student types, per shell; the bundle README shows them and the test runs the first one.
SETUP: dict[str, tuple[str, ...]] = {
    "macOS and Linux (bash, zsh)": (
        "python3 -m venv .venv",
        f'.venv/bin/python -m pip install "{TORCH_RANGE}" --index-url {TORCH_CPU_INDEX}',
        ".venv/bin/python -m pip install -r requirements.txt",
        ".venv/bin/python -m autograder check",
    ),
    "Windows (PowerShell)": (
        "py -m venv .venv",
        f'.venv\\Scripts\\python -m pip install "{TORCH_RANGE}" --index-url {TORCH_CPU_INDEX}',
        ".venv\\Scripts\\python -m pip install -r requirements.txt",
        ".venv\\Scripts\\python -m autograder check",
    ),
}
