"""The ``market-assistant`` command line: ``main`` is the entry point and registers every command
group explicitly; ``output`` holds what the commands share for printing."""
