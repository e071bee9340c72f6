"""Part 3 of the chapter (validation loss): its record, narrative, runner, public and hidden sides; imported through the registry, never by name from the engine."""
