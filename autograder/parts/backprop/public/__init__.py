"""Part 1's public side (backpropagation by hand): its check table, checks, scenarios, rules and hints; imported by the judge's runner and shipped in the student bundle."""
