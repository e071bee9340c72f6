"""The public checks that `python -m autograder check` runs on a student's own work: run by the judge's runner, never imported by the child; shipped in the student bundle."""
