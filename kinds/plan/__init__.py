"""The connection plan ("7-7-7"): a date every few days, a night away every few weeks and a
trip every few months, planned together, kept in both calendars and marked done."""
