"""Load hint specs and fixture manifests from disk, keeping line numbers for errors."""
