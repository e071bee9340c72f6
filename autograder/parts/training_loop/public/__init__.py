"""Part 2's public side (the training loop): its check table, checks, scenarios, rules and hints; imported by the judge's runner and shipped in the student bundle."""
