"""Part 4 of the chapter (early stopping): its record, narrative, runner, public and hidden sides; imported through the registry, never by name from the engine."""
