"""OCPI tokens module (eMSP side): our tokens, the list we serve, real-time authorization."""
