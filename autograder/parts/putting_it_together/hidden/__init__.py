"""Part 6's hidden side (putting it all together): its test table, checks, scenarios and known mistakes; imported only by the judge, absent from the student bundle."""
