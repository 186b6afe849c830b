"""A throwaway kind, added by following CONTRIBUTING.md, to prove the registry covers it."""
