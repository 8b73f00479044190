"""Shared building blocks of the DSL 1.0 model: data flow, durations, errors, retries,
endpoints, authentication and event filters.

Field names that are Python keywords (``if``, ``in``, ``as``, ``from``, ``with`` …) carry
a trailing underscore and their DSL name as alias. ``expression_fields`` names the
fields that are always jq (bare or ``${ … }``); other strings are expressions only when
written ``${ … }``.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, ClassVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from procureflow.playbooks.durations import check_duration
from procureflow.playbooks.expressions import is_runtime_expression

SEMVER = (
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
    r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$"
)
NAME = r"^[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$"
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+\-.]*://.*")


class Model(BaseModel):
    """Base of every DSL model: unknown properties are refused, aliases are the DSL names."""

    model_config = ConfigDict(
        extra="forbid", populate_by_name=True, serialize_by_alias=True, validate_by_alias=True
    )
    expression_fields: ClassVar[frozenset[str]] = frozenset()


def _string_tag(value: Any) -> str:
    return "#ref" if isinstance(value, str) else "#def"


def _one_of_keys(value: Any, keys: tuple[str, ...], what: str) -> Any:
    if isinstance(value, dict):
        present = [key for key in keys if key in value]
        if len(present) != 1:
            raise PydanticCustomError(
                "one_of_keys",
                "{what} needs exactly one of {keys} (found {found})",
                {"what": what, "keys": ", ".join(keys), "found": ", ".join(present) or "none"},
            )
    return value


Duration = Annotated[dict[str, int] | str, BeforeValidator(check_duration)]


def _check_uri(value: Any) -> Any:
    if isinstance(value, str) and not (is_runtime_expression(value) or _URI.match(value)):
        raise PydanticCustomError(
            "uri", "'{value}' is not an absolute URI or a runtime expression", {"value": value}
        )
    return value


UriTemplate = Annotated[str, BeforeValidator(_check_uri)]


class SchemaDefinition(Model):
    """A schema for input/output/context validation, inline (``document``) or external."""

    format: str = "json"
    document: Any = None
    resource: ExternalResource | None = None

    @model_validator(mode="before")
    @classmethod
    def _document_or_resource(cls, value: Any) -> Any:
        return _one_of_keys(value, ("document", "resource"), "schema")


class Input(Model):
    """Filters the input of the workflow or a task (``from``), optionally validated."""

    expression_fields = frozenset({"from"})
    schema_: SchemaDefinition | None = Field(None, alias="schema")
    from_: str | dict[str, Any] | None = Field(None, alias="from")


class Output(Model):
    """Shapes the output of the workflow or a task (``as``), optionally validated."""

    expression_fields = frozenset({"as"})
    schema_: SchemaDefinition | None = Field(None, alias="schema")
    as_: str | dict[str, Any] | None = Field(None, alias="as")


class Export(Model):
    """Sets the workflow context from a task's output (``as``)."""

    expression_fields = frozenset({"as"})
    schema_: SchemaDefinition | None = Field(None, alias="schema")
    as_: str | dict[str, Any] | None = Field(None, alias="as")


class Timeout(Model):
    """A timeout: give up ``after`` a duration."""

    after: Duration


TimeoutOrRef = Annotated[
    Annotated[Timeout, Tag("#def")] | Annotated[str, Tag("#ref")], Discriminator(_string_tag)
]


class ErrorDefinition(Model):
    """An error object (RFC 9457 style): type URI and status are required."""

    type: str
    status: int
    instance: str | None = None
    title: str | None = None
    detail: str | None = None


class ErrorFilter(Model):
    """Static filter on caught errors; every given attribute must match."""

    model_config = ConfigDict(extra="allow")
    type: str | None = None
    status: int | None = None
    instance: str | None = None
    title: str | None = None
    details: str | None = None


class Backoff(Model):
    """How the retry delay grows: constant, linear or exponential."""

    constant: dict[str, Any] | None = None
    linear: dict[str, Any] | None = None
    exponential: dict[str, Any] | None = None

    @model_validator(mode="before")
    @classmethod
    def _exactly_one(cls, value: Any) -> Any:
        return _one_of_keys(value, ("constant", "linear", "exponential"), "backoff")


class AttemptLimit(Model):
    """Limits per attempt: how many attempts, and how long one may take."""

    count: int | None = None
    duration: Duration | None = None


class RetryLimit(Model):
    """Limits on retrying: attempts, and the total duration of all attempts."""

    attempt: AttemptLimit | None = None
    duration: Duration | None = None


class Jitter(Model):
    """Random extra delay between ``from`` and ``to``."""

    from_: Duration = Field(alias="from")
    to: Duration


class RetryPolicy(Model):
    """When and how often to retry a failed ``try`` block."""

    expression_fields = frozenset({"when", "exceptWhen"})
    when: str | None = None
    except_when: str | None = Field(None, alias="exceptWhen")
    delay: Duration | None = None
    backoff: Backoff | None = None
    limit: RetryLimit | None = None
    jitter: Jitter | None = None


RetryPolicyOrRef = Annotated[
    Annotated[RetryPolicy, Tag("#def")] | Annotated[str, Tag("#ref")], Discriminator(_string_tag)
]


class AuthenticationPolicy(Model):
    """One authentication scheme, or ``use`` of a named policy from ``use.authentications``."""

    use: str | None = Field(None, min_length=1)
    basic: dict[str, Any] | None = None
    bearer: dict[str, Any] | None = None
    digest: dict[str, Any] | None = None
    oauth2: dict[str, Any] | None = None
    oidc: dict[str, Any] | None = None

    @model_validator(mode="before")
    @classmethod
    def _exactly_one(cls, value: Any) -> Any:
        return _one_of_keys(
            value, ("use", "basic", "bearer", "digest", "oauth2", "oidc"), "authentication"
        )


class EndpointConfig(Model):
    """An endpoint with its URI and authentication."""

    uri: UriTemplate
    authentication: AuthenticationPolicy | None = None


Endpoint = Annotated[
    Annotated[EndpointConfig, Tag("#def")] | Annotated[UriTemplate, Tag("#ref")],
    Discriminator(_string_tag),
]


class ExternalResource(Model):
    """A resource (document, schema, script) found at an endpoint."""

    name: str | None = None
    endpoint: Endpoint


class Correlation(Model):
    """Correlates an event with the instance: ``from`` (jq on the event) must equal ``expect``."""

    expression_fields = frozenset({"from"})
    from_: str = Field(alias="from")
    expect: str | None = None


class EventFilter(Model):
    """Selects events by attributes (``with``) and correlation keys."""

    with_: dict[str, Any] = Field(alias="with", min_length=1)
    correlate: dict[str, Correlation] | None = None


class EventConsumption(Model):
    """Which events to consume: ``all`` of, ``any`` of (``until``), or ``one``."""

    expression_fields = frozenset({"until"})
    all: list[EventFilter] | None = None
    any: list[EventFilter] | None = None
    one: EventFilter | None = None
    until: (
        Annotated[
            Annotated[EventConsumption, Tag("#def")] | Annotated[str, Tag("#ref")],
            Discriminator(_string_tag),
        ]
        | None
    ) = None

    @model_validator(mode="before")
    @classmethod
    def _exactly_one(cls, value: Any) -> Any:
        value = _one_of_keys(value, ("all", "any", "one"), "event consumption")
        if isinstance(value, dict) and "until" in value and "any" not in value:
            raise PydanticCustomError("until_without_any", "'until' is allowed only with 'any'")
        return value

    @field_validator("until")
    @classmethod
    def _until_does_not_nest(cls, value: Any) -> Any:
        if isinstance(value, EventConsumption) and value.until is not None:
            raise PydanticCustomError(
                "nested_until", "an 'until' strategy may not have its own 'until'"
            )
        return value


class Document(Model):
    """The playbook's identity: DSL version, namespace, name, semantic version."""

    dsl: str = Field(pattern=SEMVER)
    namespace: str = Field(pattern=NAME)
    name: str = Field(pattern=NAME)
    version: str = Field(pattern=SEMVER)
    title: str | None = None
    summary: str | None = None
    tags: dict[str, Any] | None = None
    metadata: dict[str, Any] | None = None


class Catalog(Model):
    """A catalog of reusable functions at an endpoint."""

    endpoint: Endpoint


class Schedule(Model):
    """When the playbook starts by itself: every, cron, after, or on events."""

    every: Duration | None = None
    cron: str | None = None
    after: Duration | None = None
    on: EventConsumption | None = None


class TaskBase(Model):
    """Fields every task has: condition, data flow, timeout, flow directive, metadata."""

    expression_fields = frozenset({"if"})
    if_: str | None = Field(None, alias="if")
    input: Input | None = None
    output: Output | None = None
    export: Export | None = None
    timeout: TimeoutOrRef | None = None
    then: str | None = None
    metadata: dict[str, Any] | None = None


__all__ = [
    "AttemptLimit",
    "AuthenticationPolicy",
    "Backoff",
    "Catalog",
    "Correlation",
    "Document",
    "Duration",
    "Endpoint",
    "EndpointConfig",
    "ErrorDefinition",
    "ErrorFilter",
    "EventConsumption",
    "EventFilter",
    "Export",
    "ExternalResource",
    "Input",
    "Jitter",
    "Model",
    "Output",
    "RetryLimit",
    "RetryPolicy",
    "RetryPolicyOrRef",
    "Schedule",
    "SchemaDefinition",
    "TaskBase",
    "Timeout",
    "TimeoutOrRef",
]
