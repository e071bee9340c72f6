# nbgrader configuration for the "Training Neural Networks" notebooks, written by `python -m autograder nbgrader`.
c = get_config()  # noqa: F821 - provided by nbgrader when it reads this file

c.CourseDirectory.course_id = "training-neural-networks"
# The first test cell of a notebook grades all of it in a sandbox: a few seconds, longer for a slow
# submission (the grader bounds each call into student code). Other cells take well under this.
c.Execute.timeout = 600
# The same stub as exercises/ (nbgrader's default, written out so that it stays so).
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}

# Feedback without the hidden tests' code (nbgrader's default feedback shows it).
from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor  # noqa: E402
from nbgrader.preprocessors import ClearHiddenTests, GetGrades  # noqa: E402

c.GenerateFeedback.preprocessors = [GetGrades, CSSHTMLHeaderPreprocessor, ClearHiddenTests]
