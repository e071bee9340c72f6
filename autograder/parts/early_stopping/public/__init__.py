"""Part 4's public side (early stopping): its check table, checks, scenarios, rules and hints; imported by the judge's runner and shipped in the student bundle."""
