"""OCPI tariffs module (eMSP side)."""
