"""Needs: what each partner needs, turned into steps the other can take, reviewed weekly."""
