"""Tests for the content system: formats, checker, rendering, preview and shipped content."""
