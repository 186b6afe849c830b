"""Gratitude: one line of thanks a week (a throwaway kind for tests)."""
