"""Generated lives with planted truths, for holding the engine to what a careful person would
conclude (see :mod:`tests.personas.lives`)."""
