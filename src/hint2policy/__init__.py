"""hint2policy: compile operational hints into policies the real engines prove.

The pipeline reads from the folder names: load -> validate -> compile (to an
intermediate form) -> render (per target) -> engines (run them) -> report.
"""

__version__ = "0.1.0"
