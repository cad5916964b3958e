"""OCPI cdrs module (eMSP side)."""
