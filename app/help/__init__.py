"""Help pages: the lifecycles, drawn from the machines' own code."""
