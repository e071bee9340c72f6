"""Part 1's hidden side (backpropagation by hand): its test table, checks, scenarios and known mistakes; imported only by the judge, absent from the student bundle."""
