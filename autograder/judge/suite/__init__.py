"""The suite pytest collects: one parametrised test and its configuration; imported only by pytest when the judge's runner starts it."""
