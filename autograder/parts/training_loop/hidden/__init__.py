"""Part 2's hidden side (the training loop): its test table, checks, scenarios and known mistakes; imported only by the judge, absent from the student bundle."""
