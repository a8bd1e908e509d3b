"""Collectors: plain Python, no Qt."""
