"""Input and output formats behind one registry: which file holds what, how it is opened, read
and written. See cleanse.formats.registry for the table of formats and the extras they need."""

from cleanse.formats.registry import (
    FORMATS,
    Detected,
    Format,
    MissingExtraError,
    WriteConfig,
    detect,
    open_input,
    output_name,
)

__all__ = [
    "FORMATS",
    "Detected",
    "Format",
    "MissingExtraError",
    "WriteConfig",
    "detect",
    "open_input",
    "output_name",
]
