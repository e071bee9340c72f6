"""Exports to the platforms (nbgrader, otter-grader, plain Jupyter, Gradescope, CI), generated from ``solutions/``; used by the command line, never by the child.

- the graded behaviours of each part come from :mod:`autograder.graders.catalog`;
- :mod:`~autograder.platforms.narrative`: the notebooks' text and layout (``solutions/notebooks/<part>.md``);
- :mod:`~autograder.platforms.notebook_builder`: one part's cells, and the plain student notebook;
- :mod:`~autograder.platforms.nbgrader_export`: an nbgrader course directory;
- :mod:`~autograder.platforms.otter_export`: otter-grader master notebooks and their support files;
- :mod:`~autograder.platforms.kernel`: what the notebooks' hidden tests call inside a Jupyter kernel;
- :mod:`~autograder.platforms.gradescope`: a Gradescope autograder zip and its run step;
- :mod:`~autograder.platforms.classroom`: the ``ci`` command and the CI files (GitHub Actions, GitLab CI); :mod:`~autograder.platforms.classroom50`: Classroom 50's entry point;
- :mod:`~autograder.platforms.sync`: the checked-in notebooks under ``notebooks/``, written or compared.
"""
