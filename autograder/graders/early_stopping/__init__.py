"""Part 4's hidden material (early stopping): grader tests, scenarios, known mistakes; imported only by the judge."""
