"""Part 5's hidden material (dropout and L2 regularisation): grader tests and known mistakes; imported only by the judge."""
