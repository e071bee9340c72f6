"""Public checks: what `python -m autograder check` runs on a student's own exercises."""
