# A package that shadows the grader's own, if the submission's folder ever came first on the grader's path.
SOLUTIONS_DIR = PACKAGE_DIR = PROJECT_ROOT = EXERCISES_DIR = None
