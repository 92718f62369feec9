"""Qiao."""
