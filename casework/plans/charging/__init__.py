"""Charging for care and support: the rate tables and the financial assessment calculator (no Django)."""
