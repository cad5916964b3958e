"""OCPI locations module (eMSP side)."""
