"""Compile a validated hint spec into the engine-neutral intermediate form (ir)."""
