"""The Jinja environment shared by every target, with one escaping filter per language."""

from __future__ import annotations

from functools import cache

import jinja2

from hint2policy.render import escape, markdown
from hint2policy.resources import templates_dir


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir())),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
        extensions=["jinja2.ext.do"],
    )
    env.filters.update(
        rego_str=escape.rego_str,
        rego_value=escape.rego_value,
        cel_str=escape.cel_str,
        cel_value=escape.cel_value,
        yaml_str=escape.yaml_str,
        one_line=escape.one_line,
        yaml_flow=escape.yaml_flow,
        kyverno_text=escape.kyverno_text,
        md_text=markdown.text,
        md_cell=markdown.cell,
        md_code=markdown.code,
        md_cell_code=markdown.cell_code,
        md_fence=markdown.fence,
    )
    return env


def render(template: str, **context: object) -> str:
    return environment().get_template(template).render(**context)


def macros(template: str) -> object:
    """A template's macros, callable from a renderer (one macro per language construct)."""
    return environment().get_template(template).module
