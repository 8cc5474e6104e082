"""The HTTP adapter: one blueprint module per resource, schemas beside them, errors in problems.py."""
