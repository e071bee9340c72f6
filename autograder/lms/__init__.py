"""LMS round trips (collect a bulk download into a class folder, export a gradebook to an LMS's import CSV); standard library only, imported by the command line and tests alone."""
