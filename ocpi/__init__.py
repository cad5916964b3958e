"""OCPI: the protocol core and one Django app per OCPI module."""
