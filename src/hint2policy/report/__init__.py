"""Report results for people (tables) and for CI (JSON, JUnit)."""
