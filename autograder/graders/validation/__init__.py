"""Part 3's hidden material (validation loss): grader tests, scenarios, known mistakes; imported only by the judge."""
