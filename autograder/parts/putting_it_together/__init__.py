"""Part 6 of the chapter (putting it all together): its record, narrative, runner, public and hidden sides; imported through the registry, never by name from the engine."""
