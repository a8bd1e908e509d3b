"""The bundle formats `collect --format` offers, apart from the exporter so that building the command line does
not import the bundle writer (analyze and escalate never need it)."""

FORMATS = ("zip", "7z")
