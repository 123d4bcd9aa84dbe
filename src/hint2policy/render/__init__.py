"""Render a Policy per target: a template folder plus a thin renderer each."""
