"""hint2policy.yaml: which hints a platform enforces and how, for generate, bundle and check alike.

The file is validated in two passes, as hint specs are: the shipped JSON
Schema (schema/config.schema.json) for its shape, then against the catalog
for what a schema cannot know: hint ids and categories that exist,
parameters a hint declares, values its own parameter schema accepts.
Every mistake is one ConfigError naming file, line and field.

`Config.apply` turns the catalog's hints into the configured ones by
replacing fields of each compiled ir.Policy, so every renderer (Rego, Gatekeeper,
Kyverno) sees the same change and the engines report the same.
"""

from __future__ import annotations

import copy
import difflib
import hashlib
import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import jsonschema
from jsonschema.exceptions import best_match

from hint2policy.catalog import Hint, Note
from hint2policy.compile import ir
from hint2policy.compile.regex import problem as regex_problem
from hint2policy.errors import Hint2PolicyError, _display
from hint2policy.kube import CLUSTER_SCOPED
from hint2policy.load.yamlpos import FieldPath, Located, YamlError, load_located
from hint2policy.validate import deepest, error_path, format_field, message, schema_validator, shipped_schema

CONFIG_NAME = "hint2policy.yaml"
API_VERSION = "hint2policy.io/v1alpha1"
ALL = "*"


class ConfigError(Hint2PolicyError):
    """A mistake in a configuration file, located at file:line and a field path."""

    def __init__(self, file: Path | None, line: int, field: str, message: str) -> None:
        self.file = file
        self.line = line
        self.field = field
        self.message = message
        where = _display(file) if file is not None else "<default config>"
        super().__init__(f"{where}:{line}: {field}: {message}")


def config_schema() -> dict[str, Any]:
    """The configuration schema (draft 2020-12)."""
    return shipped_schema("config.schema.json")


def _validator() -> jsonschema.Draft202012Validator:
    return schema_validator("config.schema.json")


def discover_config(directory: Path | None = None) -> Path | None:
    """./hint2policy.yaml in the directory (the working directory by default), if there is one."""
    candidate = (directory or Path.cwd()) / CONFIG_NAME
    return candidate if candidate.is_file() else None


def load_config(path: Path | None, *, discover: bool = True) -> Config:
    """The configuration in path; without one, ./hint2policy.yaml if present, else the default.

    The default configuration enforces every hint as shipped. Raises ConfigError.
    """
    if path is None and discover:
        path = discover_config()
    if path is None:
        return Config(_normalize({"apiVersion": API_VERSION, "kind": "Config"}), None, Located(None, {(): 1}))
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise ConfigError(path, 1, "<config>", f"cannot read the configuration: {reason}") from None
    try:
        located = load_located(text)
    except YamlError as exc:
        raise ConfigError(path, exc.line, "<yaml>", exc.message) from None
    _validate(path, located)
    return Config(_normalize(located.value), path, located)


def _field(path: FieldPath) -> str:
    return format_field(path).replace("<spec>", "<config>")


def _validate(file: Path, located: Located) -> None:
    """The schema's most relevant complaint, then values JSON cannot hold (dates, infinities)."""
    errors = list(_validator().iter_errors(located.value))
    if errors:
        error = deepest(best_match(errors))
        path = error_path(error)
        raise ConfigError(file, located.line_of(path), _field(path), _schema_message(error, path))
    for path, value in _leaves(located.value, ()):
        problem = _not_json(value)
        if problem:
            raise ConfigError(file, located.line_of(path), _field(path), problem)
    _check_contradictions(file, located)


def _schema_message(error: jsonschema.ValidationError, path: FieldPath) -> str:
    """validate.py's wording, made specific where the schema's own would puzzle a user."""
    if error.validator == "const":
        return f"{error.instance!r} is not supported: write {error.validator_value!r}"
    if error.validator == "minProperties":
        return "an override changes at least one of action, severity, parameters, excludeNamespaces"
    if error.instance == ALL and "disable" in path:
        return "'*' is for enable lists: to enforce only a few hints, list them in enable instead"
    return message(error)


def _leaves(value: Any, path: FieldPath) -> Iterable[tuple[FieldPath, Any]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _leaves(item, (*path, index))
    else:
        yield path, value


def _not_json(value: Any) -> str | None:
    # YAML reads 2024-01-01 as a date and .inf as infinity; neither is JSON, and no engine reads them
    if isinstance(value, float) and not math.isfinite(value):
        return "numbers must be finite"
    if value is None or isinstance(value, str | int | float | bool):
        return None
    return f"YAML reads this as a {type(value).__name__}; quote it to make it a string"


def _check_contradictions(file: Path, located: Located) -> None:
    """A name both enabled and disabled is a mistake, not a precedence puzzle."""
    for section in ("hints", "categories"):
        lists = located.value.get(section) or {}
        both = sorted(set(lists.get("enable", ())) & set(lists.get("disable", ())))
        if both:
            index = lists["disable"].index(both[0])
            path = (section, "disable", index)
            raise ConfigError(file, located.line_of(path), _field(path), f"{both[0]!r} is also in {section}.enable")


def _normalize(data: dict[str, Any]) -> dict[str, Any]:
    """The configuration with every default written out and name lists sorted.

    Two files that mean the same (key order, comments, omitted defaults) have
    the same normalized form, and so the same digest.
    """
    hints, categories = data.get("hints") or {}, data.get("categories") or {}
    any_enable = "enable" in hints or "enable" in categories
    default_enable = [] if any_enable else [ALL]
    overrides = {
        hint_id: {key: copy.deepcopy(value) for key, value in sorted(override.items())}
        for hint_id, override in sorted((data.get("overrides") or {}).items())
    }
    return {
        "apiVersion": data["apiVersion"],
        "kind": data["kind"],
        "hints": {"enable": sorted(hints.get("enable", default_enable)), "disable": sorted(hints.get("disable", []))},
        "categories": {
            "enable": sorted(categories.get("enable", [])),
            "disable": sorted(categories.get("disable", [])),
        },
        "overrides": overrides,
        "excludeNamespaces": sorted(data.get("excludeNamespaces", [])),
    }


@dataclass(frozen=True)
class Config:
    """A validated configuration: data is its normalized form (the input of the digest)."""

    data: dict[str, Any]
    source: Path | None  # None: no file, the default configuration
    located: Located = field(repr=False, compare=False)

    @property
    def digest(self) -> str:
        """ "sha256:<hex>" of the canonical JSON of data: equal for configurations that mean the same.

        The same text as bundle.config_digest(data): sorted keys, no spaces, UTF-8.
        """
        canonical = json.dumps(self.data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
        return "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()

    def error(self, path: FieldPath, message: str) -> ConfigError:
        return ConfigError(self.source, self.located.line_of(path), _field(path), message)

    def apply(self, hints: Sequence[Hint], notes: Sequence[Note] = ()) -> list[Hint]:
        """The selected hints, in their order, with overrides and excluded namespaces applied.

        notes (advisory and planned hints) only make the error for naming one clearer.
        Raises ConfigError for names the catalog does not hold and values a hint refuses.
        """
        self._check_names(hints, notes)
        selected = [h for h in hints if self.selects(h)]
        if hints and not selected:
            raise self.error(self._selection_field(), f"this configuration disables all {len(hints)} enforced hints")
        chosen = {h.id for h in selected}
        for hint_id in self.data["overrides"]:
            if hint_id not in chosen:
                raise self.error(("overrides", hint_id), "the hint is disabled here: enable it or remove the override")
        return [self._configured(h) for h in selected]

    def selects(self, hint: Hint) -> bool:
        """Whether the hint is on: an id beats a category; for the same name, disable beats enable."""
        hints, categories = self.data["hints"], self.data["categories"]
        if hint.id in hints["disable"]:
            return False
        if hint.id in hints["enable"]:
            return True
        category = hint.policy.category
        if category in categories["disable"]:
            return False
        return category in categories["enable"] or ALL in categories["enable"] or ALL in hints["enable"]

    def _selection_field(self) -> FieldPath:
        for path in (("hints", "disable"), ("categories", "disable"), ("hints", "enable"), ("categories", "enable")):
            if path in self.located.lines:
                return path
        return ()

    # -- names the catalog must hold --------------------------------------------------

    def _check_names(self, hints: Sequence[Hint], notes: Sequence[Note]) -> None:
        ids = {h.id for h in hints}
        unenforced = {n.id: n.status for n in notes}
        # a category of advisory hints only is known: disabling it is harmless
        categories = {h.policy.category for h in hints} | {str(n.spec["category"]) for n in notes}
        for section in ("enable", "disable"):
            for index, name in enumerate(self._written("hints", section)):
                self._known_hint(name, ("hints", section, index), ids, unenforced)
            for index, name in enumerate(self._written("categories", section)):
                if name != ALL and name not in categories:
                    raise self.error(("categories", section, index), _unknown("category", name, categories))
        for hint_id in self.data["overrides"]:
            self._known_hint(hint_id, ("overrides", hint_id), ids, unenforced)

    def _written(self, section: str, key: str) -> list[str]:
        """A list as the file wrote it (so that an index is a line), [] when absent."""
        written = self.located.value or {}
        return list((written.get(section) or {}).get(key, []))

    def _known_hint(self, name: str, path: FieldPath, ids: set[str], unenforced: dict[str, str]) -> None:
        if name == ALL or name in ids:
            return
        if name in unenforced:
            status = unenforced[name]
            article = "an" if status == "advisory" else "a"
            raise self.error(path, f"{name!r} is {article} {status} hint: it has no policy to enforce")
        raise self.error(path, _unknown("hint", name, ids))

    # -- one hint, configured ---------------------------------------------------------

    def _configured(self, hint: Hint) -> Hint:
        override = self.data["overrides"].get(hint.id, {})
        policy = hint.policy
        changes: dict[str, Any] = {
            "action": override.get("action", policy.action),
            "severity": override.get("severity", policy.severity),
            "excluded_namespaces": self._excluded(policy, override),
        }
        if "parameters" in override:
            changes["parameters"] = self._parameters(policy, override["parameters"])
        return replace(hint, policy=replace(policy, **changes))

    def _excluded(self, policy: ir.Policy, override: dict[str, Any]) -> tuple[str, ...]:
        cluster_scoped = sorted(k.kind for k in policy.kinds if k.kind in CLUSTER_SCOPED)
        if cluster_scoped:
            # such objects are in no namespace; the compiler refuses the same in a spec
            if override.get("excludeNamespaces"):
                path = ("overrides", policy.hint_id, "excludeNamespaces")
                raise self.error(path, f"{cluster_scoped[0]} has no namespace: this hint cannot exclude namespaces")
            return policy.excluded_namespaces
        own = tuple(override.get("excludeNamespaces", policy.excluded_namespaces))
        return own + tuple(n for n in self.data["excludeNamespaces"] if n not in own)

    def _parameters(self, policy: ir.Policy, values: dict[str, Any]) -> tuple[ir.Parameter, ...]:
        declared = {p.name: p for p in policy.parameters}
        regexes = _regex_parameters(policy.check)
        base: FieldPath = ("overrides", policy.hint_id, "parameters")
        for name, value in values.items():
            param = declared.get(name)
            if param is None:
                known = ", ".join(sorted(declared)) or "none"
                raise self.error((*base, name), f"{policy.hint_id} has no parameter {name!r} (declared: {known})")
            errors = list(jsonschema.Draft202012Validator(param.schema).iter_errors(value))
            if errors:
                error = best_match(errors)
                path = (*base, name, *error.absolute_path)
                raise self.error(path, f"not a valid {name}: {error.message}")
            problem = regex_problem(value) if name in regexes else None
            if problem:
                raise self.error((*base, name), f"regular expression {value!r} {problem}")
        return tuple(
            replace(p, default=copy.deepcopy(values[p.name])) if p.name in values else p for p in policy.parameters
        )


def _regex_parameters(node: ir.Node) -> set[str]:
    """The parameters a check reads as RE2 patterns (the operand of matches)."""
    own = (
        {node.operand.name}
        if isinstance(node, ir.Predicate) and node.op == "matches" and isinstance(node.operand, ir.ParamRef)
        else set()
    )
    return own.union(*(_regex_parameters(child) for child in ir.children(node)))


def _unknown(what: str, name: str, known: Iterable[str]) -> str:
    closest = difflib.get_close_matches(name, sorted(known), n=3, cutoff=0.6)
    hint = f"closest: {', '.join(closest)}" if closest else "see `hint2policy list`"
    return f"unknown {what} {name!r} ({hint})"
