"""Part 3's public side (validation loss): its check table, checks, scenarios, rules and hints; imported by the judge's runner and shipped in the student bundle."""
