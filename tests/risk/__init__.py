"""Tests for the risk rules (bot/risk) and their labelled set."""
