"""Local adapters around the same bot: the Discord stand-in, the playground and ``ask``."""
