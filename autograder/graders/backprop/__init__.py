"""Part 1's hidden material (backpropagation by hand): its grader tests and known mistakes; imported only by the judge."""
