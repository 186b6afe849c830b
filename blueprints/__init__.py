"""One module per audience or feature; each defines ``bp``."""
