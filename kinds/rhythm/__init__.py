"""The weekly rhythm: one real conversation, one shared activity, one moment of affection."""
