"""Classroom 50: the per-assignment ``autograder.py`` an instructor copies, and the command that writes it; used by the command line and tests only."""
