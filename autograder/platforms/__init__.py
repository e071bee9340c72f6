"""The notebook platforms: one notebook per part for nbgrader, otter-grader and plain Jupyter, plus
Gradescope and GitHub Classroom entry points, all generated from ``solutions/``.

- :mod:`~autograder.platforms.graded_tests`: the graded behaviours of each part, read from the hidden graders;
- :mod:`~autograder.platforms.narrative`: the notebooks' text and layout (``solutions/notebooks/<part>.md``);
- :mod:`~autograder.platforms.notebook_builder`: one part's cells, and the plain student notebook;
- :mod:`~autograder.platforms.nbgrader_export`: an nbgrader course directory;
- :mod:`~autograder.platforms.otter_export`: otter-grader master notebooks and their support files;
- :mod:`~autograder.platforms.kernel`: what the notebooks' hidden tests call inside a Jupyter kernel;
- :mod:`~autograder.platforms.gradescope`: a Gradescope autograder zip and its run step;
- :mod:`~autograder.platforms.classroom`: GitHub Classroom's workflow and score report;
- :mod:`~autograder.platforms.sync`: the checked-in notebooks under ``notebooks/``, written or compared.
"""
