"""Appreciation notes: short notes of thanks from one partner to the other, kept to reread."""
