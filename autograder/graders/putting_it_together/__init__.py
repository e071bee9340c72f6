"""Part 6's hidden material (putting it all together): grader tests, scenarios, known mistakes; imported only by the judge."""
