"""OCPI sessions module (eMSP side)."""
