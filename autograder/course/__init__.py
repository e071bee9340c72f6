"""The course as data: its parts (``parts``) and the instructor's course file (``config``); importable by every layer, the child and the student bundle included."""
