"""Analyzers: parsers, KB signatures and the one-pass scan engine. Plain Python, no Qt."""
