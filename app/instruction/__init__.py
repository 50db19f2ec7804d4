"""The préfecture's workspace: what waits for instruction, what nears its deadline."""
