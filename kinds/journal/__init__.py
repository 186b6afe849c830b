"""The shared journal of progress: small moments that felt meaningful, kept to look back on."""
