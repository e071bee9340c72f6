"""Part 2 of the chapter (the training loop): its record, narrative, runner, public and hidden sides; imported through the registry, never by name from the engine."""
