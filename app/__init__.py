"""acronis-triage: collect, analyze and escalate Acronis problems in one pass."""

__version__ = "0.1.0"
TOOL_NAME = "acronis-triage"
