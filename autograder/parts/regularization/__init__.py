"""Part 5 of the chapter (dropout and L2 regularisation): its record, narrative, runner, public and hidden sides; imported through the registry, never by name from the engine."""
