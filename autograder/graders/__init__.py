"""The hidden graders: one folder per part (tests, scenarios, known mistakes) over shared helpers; imported only by the judge, never by the child or the bundle."""
