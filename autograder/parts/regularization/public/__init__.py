"""Part 5's public side (dropout and L2 regularisation): its check table, checks, scenarios, rules and hints; imported by the judge's runner and shipped in the student bundle."""
