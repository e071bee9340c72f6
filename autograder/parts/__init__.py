"""The parts of the course, one folder each (record, narrative, runner, public/, hidden/); imported only through the registry's scan, never by name from the engine."""
