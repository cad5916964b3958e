"""OCPI commands module (eMSP side): remote commands we send to CPOs and their results."""
