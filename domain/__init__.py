"""Rules of the counseling domain that do not depend on HTTP: tests call them directly."""
