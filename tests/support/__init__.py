"""Helpers shared by the tests (a real local HTTP server with fault modes)."""
