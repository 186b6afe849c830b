"""The pause agreement: a rule the couple words together for stopping a heated moment, and a
log of the times they paused and how coming back to it went."""
