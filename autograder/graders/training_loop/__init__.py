"""Part 2's hidden material (the training loop): grader tests, scenarios, known mistakes; imported only by the judge."""
