"""Sources of rounds: the built-in simulator (and, in ``aviator.files``, watched CSV files)."""
