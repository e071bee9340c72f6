"""Part 3's hidden side (validation loss): its test table, checks, scenarios and known mistakes; imported only by the judge, absent from the student bundle."""
