"""The weekly check-in: three scales and three prompts, once a week, each partner alone."""
