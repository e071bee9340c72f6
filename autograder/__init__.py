"""The autograder for "Training Neural Networks": its paths only, so that every module, the sandboxed child and the student bundle may import it."""

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = PACKAGE_DIR.parent
SOLUTIONS_DIR = PROJECT_ROOT / "solutions"
EXERCISES_DIR = PROJECT_ROOT / "exercises"
PARTS_DIR = PACKAGE_DIR / "parts"  # one folder per part of the course (its hidden/ side is absent from the student bundle)
GRADERS_DIR = PACKAGE_DIR / "graders"  # the hidden graders' engine: absent from the student bundle


def graders_present() -> bool:
    """Whether the hidden graders are here (the student bundle has only the public checks)."""
    return (GRADERS_DIR / "__init__.py").is_file()
