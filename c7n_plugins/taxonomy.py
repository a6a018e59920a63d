"""The classification taxonomy (contract 4): tag keys, classes, rules and protection.

The taxonomy is data, kept in SSM Parameter Store and validated against
``data/taxonomy.schema.json`` plus the semantic checks below. Nothing here talks to
AWS except :func:`load_taxonomy`, which reads the parameter.

Classification is deliberately conservative: :meth:`Taxonomy.classify` returns only
the tags to *add*; an existing tag is replaced only when the deciding rule says
``overwrite: true``; a rule that finds no usable value decides nothing.
"""

from __future__ import annotations

import copy
import fnmatch
import json
import os
import re
import time
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

DEFAULT_PATH = "/assetpack/taxonomy"
PATH_ENV = "ASSETPACK_TAXONOMY_PATH"
MAX_KEY = 128
MAX_VALUE = 256
# Names and tag values come from whoever created the resource: bound what a
# taxonomy regex has to scan.
MAX_MATCH_INPUT = 1024
# Logical tags filled from the creating event, never by rules or the class table.
EVENT_TAGS = ("creator", "creator-arn", "created-at", "invoked-by")
# Who created the CloudFormation stack that created the resource; a taxonomy may
# rename it by defining the logical tag "stack-creator".
STACK_CREATOR_KEY = "asset:stack-creator"
_TAG_PUNCTUATION = frozenset("_.:/=+-@")

TagsLike = Mapping[str, str] | Iterable[Mapping[str, str]] | None


class TaxonomyError(ValueError):
    """The taxonomy is missing, unreadable or invalid; the message is one line."""


# -- tag values --------------------------------------------------------------------


def _clean(text: Any, limit: int) -> str:
    out = []
    for ch in str(text):
        cat = unicodedata.category(ch)
        if cat[0] == "Z":
            out.append(" ")  # line/paragraph separators are allowed by AWS, not by logs
        elif cat[0] in "LN" or ch in _TAG_PUNCTUATION:
            out.append(ch)
        else:
            out.append("_")
    return "".join(out).strip()[:limit].strip()


def sanitise_value(value: Any) -> str:
    """Make ``value`` a valid AWS tag value: allowed characters only, at most 256.

    Anything outside letters, separators, digits and ``_.:/=+-@`` becomes ``_``.
    """
    return _clean(value, MAX_VALUE)


def sanitise_key(key: Any) -> str:
    """Make ``key`` a valid AWS tag key (characters as values, at most 128)."""
    return _clean(key, MAX_KEY)


def tags_to_dict(tags: TagsLike) -> dict[str, str]:
    """Accept ``{key: value}`` or AWS's ``[{"Key": k, "Value": v}]`` and return a dict."""
    if not tags:
        return {}
    if isinstance(tags, Mapping):
        return {str(k): "" if v is None else str(v) for k, v in tags.items()}
    out = {}
    for item in tags:
        key = item.get("Key", item.get("key"))
        if key is not None:
            value = item.get("Value", item.get("value"))
            out[str(key)] = "" if value is None else str(value)
    return out


# -- parsing and validation ----------------------------------------------------------


@lru_cache(maxsize=1)
def _validator() -> Callable[[Any], Any]:
    # fastjsonschema, not jsonschema: it is pure Python with no dependencies, so the
    # deployed archive can carry it (jsonschema needs rpds-py, a compiled extension the
    # Lambda runtime lacks). Imported on first validation: responders that never read
    # the taxonomy skip it on a cold start.
    import fastjsonschema

    return fastjsonschema.compile(json.loads(_data_text("taxonomy.schema.json")))


def _data_text(name: str) -> str:
    return resources.files("c7n_plugins").joinpath("data", name).read_text(encoding="utf-8")


def _where(path: Iterable[Any]) -> str:
    out = "$"
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def _fail(path: Iterable[Any], message: str) -> TaxonomyError:
    text = " ".join(str(message).split())
    if len(text) > 240:
        text = text[:237] + "..."
    return TaxonomyError(f"taxonomy {_where(path)}: {text}")


def _parse(text: str) -> Any:
    if not isinstance(text, str) or not text.strip():
        raise TaxonomyError("taxonomy: empty document")
    if text.lstrip().startswith("{"):
        try:
            return json.loads(text)
        except json.JSONDecodeError as e:
            raise TaxonomyError(
                f"taxonomy: invalid JSON at line {e.lineno} column {e.colno}: {e.msg}") from e
    try:
        # YAML is for people editing the taxonomy; the Lambda runtime has no PyYAML,
        # so the parameter Terraform writes is JSON.
        import yaml
    except ImportError as e:
        raise TaxonomyError("taxonomy: not JSON, and YAML cannot be read here (no PyYAML); "
                            "store the parameter as JSON") from e
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f" at line {mark.line + 1} column {mark.column + 1}" if mark else ""
        problem = getattr(e, "problem", None) or type(e).__name__
        raise TaxonomyError(f"taxonomy: invalid YAML{where}: {problem}") from e


def _compile(regex: str, path: list[Any]) -> re.Pattern[str]:
    try:
        return re.compile(regex)
    except re.error as e:
        raise _fail(path, f"bad regex {regex!r}: {e}") from e


def _check_chars(value: str, path: list[Any], key: bool = False) -> None:
    clean = sanitise_key(value) if key else sanitise_value(value)
    if clean != value:
        kind = "tag key" if key else "tag value"
        raise _fail(path, f"{value!r} is not a valid {kind} (letters, digits, spaces, _.:/=+-@)")


# -- the taxonomy ------------------------------------------------------------------


@dataclass(frozen=True)
class _TagSpec:
    name: str
    key: str
    values: tuple[str, ...] | None
    pattern: re.Pattern[str] | None
    required: bool | tuple[str, ...]

    def accepts(self, value: str) -> bool:
        if self.values is not None:
            return value in self.values
        return self.pattern is None or bool(self.pattern.search(value))

    def canonical(self, value: str) -> str | None:
        """The allowed form of ``value`` (case-insensitive), or None when not allowed."""
        if self.values is None:
            return value if self.accepts(value) else None
        for allowed in self.values:
            if allowed.lower() == value.lower():
                return allowed
        return None


@dataclass(frozen=True)
class _Rule:
    id: str
    resource_types: tuple[str, ...]
    classes: tuple[str, ...]
    name: re.Pattern[str] | None
    creator: re.Pattern[str] | None
    tags: tuple[tuple[str, re.Pattern[str]], ...]
    context: tuple[tuple[str, re.Pattern[str]], ...]
    set: dict[str, Any]
    overwrite: bool


@dataclass
class _Facts:
    resource_type: str
    klass: str | None
    name: str
    creator: str | None
    tags: dict[str, str]
    context: Mapping[str, Any]


def _context_value(context: Mapping[str, Any], path: str) -> str | None:
    """``vpc.tags.Environment`` or ``account.id`` looked up in the context dict."""
    scope, _, rest = path.partition(".")
    node = context.get(scope)
    if not rest:
        return node if isinstance(node, str) else None
    if not isinstance(node, Mapping):
        return None
    if rest.startswith("tags."):
        value = tags_to_dict(node.get("tags")).get(rest[len("tags."):])
    else:
        value = node.get(rest)
    return value if isinstance(value, str) else None


class Taxonomy:
    """A validated taxonomy. Build it with :meth:`from_text` or :meth:`default`."""

    def __init__(self, doc: dict[str, Any]) -> None:
        # Callers go through from_text/default, which validate against the schema first.
        self._doc = doc
        self.version: int = doc["version"]
        self._tags = self._load_tags(doc["tags"])
        self._by_key = {spec.key: spec for spec in self._tags.values()}
        self._class_of = self._load_classes(doc["classes"])
        self._rules = [self._load_rule(i, r) for i, r in enumerate(doc["rules"])]
        self._protection = [
            (p["key"], frozenset(v.strip().lower() for v in p["values"]))
            for p in doc["protection"]["tags"]
        ]

    # construction ------------------------------------------------------------

    @classmethod
    def from_text(cls, text: str) -> Taxonomy:
        """Parse a JSON or YAML taxonomy and validate it; raise :class:`TaxonomyError`."""
        doc = _parse(text)
        if not isinstance(doc, dict):
            raise TaxonomyError("taxonomy: the document must be a mapping")
        import fastjsonschema

        try:
            _validator()(copy.deepcopy(doc))  # it fills defaults in what it checks
        except fastjsonschema.JsonSchemaValueException as err:
            path = [int(p) if p.isdigit() else p for p in err.path[1:]]
            raise _fail(path, err.message.partition(" ")[2] or err.message) from err
        return cls(copy.deepcopy(doc))

    @classmethod
    def default(cls) -> Taxonomy:
        """The taxonomy shipped with the pack (``data/taxonomy.default.json``)."""
        return cls.from_text(_data_text("taxonomy.default.json"))

    def _load_tags(self, tags: dict[str, Any]) -> dict[str, _TagSpec]:
        out: dict[str, _TagSpec] = {}
        seen: dict[str, str] = {}
        for name, spec in tags.items():
            path: list[Any] = ["tags", name]
            _check_chars(spec["key"], [*path, "key"], key=True)
            if spec["key"] in seen:
                other = seen[spec["key"]]
                raise _fail([*path, "key"], f"{spec['key']!r} is also the key of {other}")
            seen[spec["key"]] = name
            for i, value in enumerate(spec.get("values", ())):
                _check_chars(value, [*path, "values", i])
            pattern = spec.get("pattern")
            required = spec.get("required", False)
            out[name] = _TagSpec(
                name=name,
                key=spec["key"],
                values=tuple(spec["values"]) if "values" in spec else None,
                pattern=_compile(pattern, [*path, "pattern"]) if pattern else None,
                required=tuple(required) if isinstance(required, list) else required,
            )
        if out["class"].values is None:
            raise _fail(["tags", "class"], "the class tag must list its values")
        classes = out["class"].values
        for name, spec in out.items():
            if isinstance(spec.required, tuple):
                for i, klass in enumerate(spec.required):
                    if klass not in classes:
                        raise _fail(["tags", name, "required", i], f"unknown class {klass!r}")
        return out

    def _load_classes(self, classes: dict[str, list[str]]) -> dict[str, str]:
        allowed = self._tags["class"].values
        class_of: dict[str, str] = {}
        for klass, types in classes.items():
            if allowed is not None and klass not in allowed:
                raise _fail(["classes", klass],
                            f"unknown class {klass!r}: not in tags.class.values")
            for i, rtype in enumerate(types):
                if rtype in class_of:
                    raise _fail(["classes", klass, i], f"{rtype} is already in {class_of[rtype]}")
                class_of[rtype] = klass
        return class_of

    def _load_rule(self, index: int, rule: dict[str, Any]) -> _Rule:
        path: list[Any] = ["rules", index]
        match = rule.get("match", {})
        classes = self._tags["class"].values or ()
        for i, klass in enumerate(match.get("classes", ())):
            if klass not in classes:
                raise _fail([*path, "match", "classes", i], f"unknown class {klass!r}")
        for name, value in rule["set"].items():
            self._check_set(name, value, [*path, "set", name])

        def regex(key: str) -> re.Pattern[str] | None:
            return _compile(match[key], [*path, "match", key]) if key in match else None

        def regex_map(key: str) -> tuple[tuple[str, re.Pattern[str]], ...]:
            return tuple(
                (k, _compile(v, [*path, "match", key, k])) for k, v in match.get(key, {}).items()
            )

        return _Rule(
            id=rule["id"],
            resource_types=tuple(match.get("resource_types", ())),
            classes=tuple(match.get("classes", ())),
            name=regex("name"),
            creator=regex("creator"),
            tags=regex_map("tags"),
            context=regex_map("context"),
            set=rule["set"],
            overwrite=rule.get("overwrite", False),
        )

    def _check_set(self, name: str, value: Any, path: list[Any]) -> None:
        if name not in self._tags:
            raise _fail(path, f"unknown tag {name!r}: not defined under tags")
        if name in EVENT_TAGS or name == "class":
            raise _fail(path, f"{name} comes from the event or the class table, not from rules")
        spec = self._tags[name]
        literals = [(path, value)] if isinstance(value, str) else [
            ([*path, "map", k], v) for k, v in value.get("map", {}).items()
        ]
        for where, literal in literals:
            _check_chars(literal, where)
            if not spec.accepts(literal):
                allowed = (", ".join(spec.values) if spec.values
                           else f"pattern {spec.pattern.pattern}")
                raise _fail(where, f"{literal!r} is not an allowed {spec.key} value ({allowed})")

    # queries -----------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """A copy of the validated document."""
        return copy.deepcopy(self._doc)

    def key(self, name: str) -> str:
        """The tag key of a logical tag name (``environment`` -> ``asset:environment``)."""
        return self._tags[name].key

    def _spec(self, key_or_name: str) -> _TagSpec:
        spec = self._by_key.get(key_or_name) or self._tags.get(key_or_name)
        if spec is None:
            raise KeyError(key_or_name)
        return spec

    def class_of(self, resource_type: str) -> str | None:
        """The class of a Custodian resource type (``aws.rds`` -> ``database``), if known."""
        return self._class_of.get(resource_type)

    @property
    def resource_types(self) -> dict[str, str]:
        """Every classified resource type and its class."""
        return dict(self._class_of)

    @property
    def required_keys(self) -> list[str]:
        """Tag keys every asset must carry."""
        return [s.key for s in self._tags.values() if s.required is True]

    def required_keys_for(self, resource_type: str | None) -> list[str]:
        """Tag keys an asset of ``resource_type`` must carry (class-specific ones included)."""
        klass = self.class_of(resource_type) if resource_type else None
        return [
            s.key for s in self._tags.values()
            if s.required is True or (isinstance(s.required, tuple) and klass in s.required)
        ]

    def allowed_values(self, key: str) -> list[str] | None:
        """Allowed values of a tag (by key or logical name); None for free text.

        Raises KeyError for a tag the taxonomy does not define.
        """
        values = self._spec(key).values
        return list(values) if values is not None else None

    def is_protected(self, tags: TagsLike) -> bool:
        """True when the asset carries a do-not-touch mark: remediation must skip it."""
        current = tags_to_dict(tags)
        return any(
            key in current and current[key].strip().lower() in values
            for key, values in self._protection
        )

    def tag_violations(self, tags: TagsLike, resource_type: str | None = None) -> list[str]:
        """What is missing or wrong in ``tags``, one readable line each.

        With ``resource_type``, class-specific requirements apply and ``asset:class``
        must agree with the class table; without it, the asset's own class tag is used.
        """
        current = tags_to_dict(tags)
        class_key = self.key("class")
        expected_class = self.class_of(resource_type) if resource_type else None
        klass = expected_class or current.get(class_key)
        problems = []
        for spec in self._tags.values():
            needed = spec.required is True or (
                isinstance(spec.required, tuple) and klass in spec.required)
            value = current.get(spec.key)
            if value is None or not value.strip():
                if needed:
                    problems.append(f"missing tag {spec.key}")
                continue
            if not spec.accepts(value):
                shown = sanitise_value(value)[:64]
                if spec.values is not None:
                    problems.append(
                        f"{spec.key}={shown} is not one of {', '.join(spec.values)}")
                else:
                    problems.append(f"{spec.key}={shown} does not match {spec.pattern.pattern}")
        have = current.get(class_key)
        if expected_class and have and have != expected_class and self._tags["class"].accepts(have):
            problems.append(f"{class_key}={have} but {resource_type} is {expected_class}")
        return problems

    # classification ----------------------------------------------------------

    def classify(
        self,
        resource_type: str,
        name: str,
        tags: TagsLike,
        context: Mapping[str, Any] | None = None,
        creator: str | None = None,
    ) -> dict[str, str]:
        """The classification tags to add to one resource.

        ``name`` is the resource's name (the ``Name`` tag for EC2-style resources);
        ``context`` carries where it lives, e.g. ``{"account": {"id": ..., "tags": {...}},
        "vpc": {"id": ..., "tags": {...}}, "subnet": {...}, "region": "eu-west-1"}``;
        ``creator`` is the creator's name (see :mod:`c7n_plugins.trail.identity`).

        Returns only new or changed tags: ``asset:class`` from the class table, then, per
        logical tag, the value of the first matching rule that yields one. An existing tag
        is kept unless that rule has ``overwrite: true``. Rules see the resource's tags
        plus what earlier rules decided, so criticality can follow environment.
        """
        current = tags_to_dict(tags)
        facts = _Facts(
            resource_type=resource_type,
            klass=self.class_of(resource_type),
            name=str(name or "")[:MAX_MATCH_INPUT],
            creator=str(creator)[:MAX_MATCH_INPUT] if creator else None,
            tags=dict(current),
            context=context or {},
        )
        out: dict[str, str] = {}
        class_key = self.key("class")
        if facts.klass and class_key not in current:
            out[class_key] = facts.tags[class_key] = facts.klass

        decided: set[str] = set()
        for rule in self._rules:
            pending = [n for n in rule.set if n not in decided]
            if not pending or not self._matches(rule, facts):
                continue
            for logical in pending:
                spec = self._tags[logical]
                value = self._value(spec, rule.set[logical], facts)
                if value is None:
                    continue  # nothing usable: a later rule may still decide
                decided.add(logical)
                if spec.key in current and not rule.overwrite:
                    continue
                if current.get(spec.key) != value:
                    out[spec.key] = facts.tags[spec.key] = value
        return out

    def _matches(self, rule: _Rule, facts: _Facts) -> bool:
        if rule.resource_types and not any(
                fnmatch.fnmatchcase(facts.resource_type, p) for p in rule.resource_types):
            return False
        if rule.classes and facts.klass not in rule.classes:
            return False
        if rule.name and not rule.name.search(facts.name):
            return False
        if rule.creator and not (facts.creator and rule.creator.search(facts.creator)):
            return False
        for key, regex in rule.tags:
            value = facts.tags.get(key)
            if value is None or not regex.search(value[:MAX_MATCH_INPUT]):
                return False
        for path, regex in rule.context:
            value = _context_value(facts.context, path)
            if value is None or not regex.search(value[:MAX_MATCH_INPUT]):
                return False
        return True

    def _value(self, spec: _TagSpec, how: Any, facts: _Facts) -> str | None:
        if isinstance(how, str):
            return how
        sources = how["from"] if isinstance(how["from"], list) else [how["from"]]
        mapping = {k.lower(): v for k, v in how.get("map", {}).items()}
        for source in sources:
            raw = self._source(source, facts)
            if raw is None:
                continue
            found = sanitise_value(raw)
            if not found:
                continue
            value = spec.canonical(mapping.get(found.lower(), found))
            if value is not None:
                return value
        return None

    @staticmethod
    def _source(source: str, facts: _Facts) -> str | None:
        if source == "name":
            return facts.name or None
        if source == "creator":
            return facts.creator
        if source.startswith("tags."):
            return facts.tags.get(source[len("tags."):])
        return _context_value(facts.context, source[len("context."):])

    def creator_tags(
        self,
        *,
        name: str,
        arn: str,
        created_at: str,
        invoked_by: str | None = None,
        tags: TagsLike = None,
        stack_creator: str | None = None,
    ) -> dict[str, str]:
        """The creator tags (``asset:creator`` ...) missing from ``tags``, sanitised.

        Creator tags are write-once: a later change must not rename the creator.
        Empty values (e.g. no ARN for an AWS service principal) are left out.
        """
        current = tags_to_dict(tags)
        wanted = {"creator": name, "creator-arn": arn, "created-at": created_at,
                  "invoked-by": invoked_by, "stack-creator": stack_creator}
        out = {}
        for logical, raw in wanted.items():
            key = self.key(logical) if logical in self._tags else STACK_CREATOR_KEY
            value = sanitise_value(raw) if raw else ""
            if value and key not in current:
                out[key] = value
        return out


# -- loading from SSM ----------------------------------------------------------------

_CACHE: dict[tuple[str, str | None, str | None], tuple[float, Taxonomy]] = {}
_clock: Callable[[], float] = time.monotonic


def clear_cache() -> None:
    """Forget every cached taxonomy (tests, or after an update you must see now)."""
    _CACHE.clear()


def _cache_key(session: Any, path: str) -> tuple[str, str | None, str | None]:
    # One Lambda may serve several accounts (c7n-org, member roles): the access key
    # tells their credentials apart without an STS call.
    try:
        creds = session.get_credentials()
        access_key = creds.access_key if creds else None
    except Exception:  # a session without credentials still gets a (shared) cache slot
        access_key = None
    return (path, getattr(session, "region_name", None), access_key)


def load_taxonomy(
    session: Any,
    path: str | None = None,
    ttl: float = 300,
    *,
    clock: Callable[[], float] | None = None,
) -> Taxonomy:
    """The taxonomy in SSM parameter ``path``, cached in-process for ``ttl`` seconds.

    ``path`` defaults to ``$ASSETPACK_TAXONOMY_PATH``, else ``/assetpack/taxonomy``.
    There is no fallback: a missing, unreadable or invalid parameter raises
    :class:`TaxonomyError` (callers alert and tag nothing), and failures are not cached.
    ``clock`` (seconds, monotonic) replaces the module clock in tests.
    """
    path = path or os.environ.get(PATH_ENV) or DEFAULT_PATH
    now = (clock or _clock)()
    key = _cache_key(session, path)
    hit = _CACHE.get(key)
    if hit and now - hit[0] < ttl:
        return hit[1]
    try:
        client = session.client("ssm")
        text = client.get_parameter(Name=path, WithDecryption=True)["Parameter"]["Value"]
    except ClientError as e:
        code = e.response.get("Error", {}).get("Code", "Error")
        if code == "ParameterNotFound":
            raise TaxonomyError(f"taxonomy parameter {path} not found") from e
        raise TaxonomyError(f"taxonomy parameter {path} unreadable: {code}") from e
    except BotoCoreError as e:
        raise TaxonomyError(f"taxonomy parameter {path} unreadable: {type(e).__name__}") from e
    try:
        taxonomy = Taxonomy.from_text(text)
    except TaxonomyError as e:
        raise TaxonomyError(f"{path}: {e}") from e
    _CACHE[key] = (now, taxonomy)
    return taxonomy
