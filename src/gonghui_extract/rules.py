"""Load and validate the declarative rules in ``rules/``.

Each YAML file has a pydantic schema registered by the component that reads it
(``rule_file``).  Every file is validated on its own, so an error names the file
and the entry; files of the same name from several rule folders are then merged
(lists concatenated, mappings updated), which is how a user's folder extends the
defaults without copying them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")

_SCHEMAS: dict[str, type[BaseModel]] = {}
#: libyaml's safe loader where PyYAML was built with it: the same data, ten times faster to load
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class RulesError(ValueError):
    """A rules file is malformed: names the file, the entry and what is wrong."""

    def __init__(self, path: Path | str, entry: str | None, problem: str):
        self.path, self.entry, self.problem = str(path), entry, problem
        where = f"{self.path}: {entry}" if entry else self.path
        super().__init__(f"{where}: {problem}")


class RuleEntry(BaseModel):
    """An entry of a rules list: unknown keys are typos, so they are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class PatternEntry(RuleEntry):
    """A named pattern, with a note saying what it is for (the id is what records and errors cite)."""

    id: str
    pattern: str
    note: str = ""


class RuleFile(BaseModel):
    """Base of every rules-file schema: unknown keys are typos, so they are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def rule_file(relpath: str):
    """Register the schema of ``rules/<relpath>`` (class decorator)."""

    def register(model: type[M]) -> type[M]:
        _SCHEMAS[relpath] = model
        return model

    return register


def default_rules_dir() -> Path:
    """The rules shipped with the package (wheel) or beside the source (checkout)."""
    packaged = Path(__file__).parent / "rules"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "rules"


def _describe(loc: tuple[Any, ...], data: Any) -> str:
    """Turn a pydantic error location into 'units[3] (id unit.people) field surfaces'."""
    parts, node, entry_id = [], data, None
    for key in loc:
        if isinstance(key, int):
            parts[-1:] = [f"{parts[-1] if parts else ''}[{key}]"]
        else:
            parts.append(str(key))
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            node = None
        if isinstance(node, dict) and "id" in node:
            entry_id = node["id"]
    text = ".".join(parts)
    return f"entry {text}" + (f" (id {entry_id})" if entry_id else "")


def load_file(path: Path, schema: type[M]) -> M:
    """Parse and validate one rules file, raising RulesError on any problem."""
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        entry = f"line {mark.line + 1}" if mark else None
        raise RulesError(path, entry, f"not valid YAML: {getattr(exc, 'problem', exc)}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise RulesError(path, None, f"cannot read: {exc}") from exc
    if not isinstance(data, dict):
        raise RulesError(path, None, f"expected a mapping at the top, found {type(data).__name__}")
    try:
        return schema.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        raise RulesError(path, _describe(tuple(err["loc"]), data), err["msg"] + more) from exc


def _merge(models: list[M]) -> M:
    """Merge validated files of one schema: lists concatenate, mappings update, scalars override.

    Only the fields a file sets take part, so a user's file that sets one field
    leaves the defaults' other fields as they were.
    """
    schema = type(models[0])
    merged: dict[str, Any] = {}
    for name in schema.model_fields:
        values = [getattr(m, name) for m in models if name in m.model_fields_set]
        if not values:
            continue
        if isinstance(values[0], (list, tuple)):
            merged[name] = [item for v in values for item in v]
        elif isinstance(values[0], dict):
            merged[name] = {k: x for v in values for k, x in v.items()}
        else:
            merged[name] = values[-1]
    return schema.model_validate(merged)


class Rules:
    """All rule files of one or more folders, validated at load time."""

    def __init__(self, folders: Iterable[Path | str] | None = None):
        self.folders = [Path(f) for f in (folders or [default_rules_dir()])]
        for folder in self.folders:
            if not folder.is_dir():
                raise RulesError(folder, None, "rules folder does not exist")
        self._files: dict[str, BaseModel] = {}
        self._memo: dict[str, Any] = {}
        for relpath, schema in _SCHEMAS.items():
            found = [load_file(f / relpath, schema) for f in self.folders if (f / relpath).is_file()]
            self._files[relpath] = _merge(found) if found else schema()

    def get(self, schema: type[M]) -> M:
        """The merged contents of the file whose schema is ``schema``."""
        for relpath, model in _SCHEMAS.items():
            if model is schema:
                return self._files[relpath]  # type: ignore[return-value]
        raise KeyError(f"no rules file registered for {schema.__name__}")

    def memo(self, key: str, build: Callable[[], T]) -> T:
        """What ``build`` derives from these rules (compiled patterns, lookup tables), built once."""
        if key not in self._memo:
            self._memo[key] = build()
        return self._memo[key]

    def paths(self, relpath: str) -> list[Path]:
        """Every folder's copy of a non-YAML resource (dictionaries, data tables)."""
        return [f / relpath for f in self.folders if (f / relpath).exists()]
