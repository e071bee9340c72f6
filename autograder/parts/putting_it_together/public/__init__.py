"""Part 6's public side (putting it all together): its check table, checks, scenarios, rules and hints; imported by the judge's runner and shipped in the student bundle."""
