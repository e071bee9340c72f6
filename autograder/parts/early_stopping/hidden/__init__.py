"""Part 4's hidden side (early stopping): its test table, checks, scenarios and known mistakes; imported only by the judge, absent from the student bundle."""
