"""Data shipped with the tool: signatures, the demo machine, templates. Read with importlib.resources."""

from importlib import resources
from pathlib import Path


def resource_path(*parts: str) -> Path:
    """A folder or file under resources/, as a real path (works from source, wheel and frozen builds)."""
    return Path(str(resources.files(__name__).joinpath(*parts)))
