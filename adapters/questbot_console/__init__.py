"""The terminal chat adapter."""
