"""Part 5's hidden side (dropout and L2 regularisation): its test table, checks, scenarios and known mistakes; imported only by the judge, absent from the student bundle."""
