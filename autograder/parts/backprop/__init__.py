"""Part 1 of the chapter (backpropagation by hand): its record, narrative, runner, public and hidden sides; imported through the registry, never by name from the engine."""
