"""Questionnaires a counselor defines (items, points, a score over time), asked of each
partner at intake and every few weeks; Hearth ships one short one of its own."""
