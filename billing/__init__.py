"""Tariff engine, price verification, exports and invoices (built in the billing issue)."""
