"""The ``call`` task in its protocol variants, and the arguments of each protocol.

``call: http``, ``grpc``, ``openapi``, ``asyncapi``, ``a2a`` and ``mcp`` each have their
own argument model; any other name is a custom function (``CallFunctionTask``).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from procureflow.playbooks.model_common import (
    AuthenticationPolicy,
    Duration,
    Endpoint,
    ExternalResource,
    Model,
    TaskBase,
)

CALL_PROTOCOLS = ("http", "grpc", "openapi", "asyncapi", "a2a", "mcp")


class HttpArguments(Model):
    """``call: http`` arguments."""

    method: str
    endpoint: Endpoint
    headers: dict[str, str] | str | None = None
    body: Any = None
    query: dict[str, str] | str | None = None
    output: Literal["raw", "content", "response"] | None = None
    redirect: bool | None = None


class GrpcService(Model):
    """The gRPC service to call."""

    name: str
    host: str
    port: int | None = None
    authentication: AuthenticationPolicy | None = None


class GrpcArguments(Model):
    """``call: grpc`` arguments."""

    proto: ExternalResource
    service: GrpcService
    method: str
    arguments: dict[str, Any] | None = None


class OpenApiArguments(Model):
    """``call: openapi`` arguments."""

    document: ExternalResource
    operation_id: str = Field(alias="operationId")
    parameters: dict[str, Any] | None = None
    authentication: AuthenticationPolicy | None = None
    output: Literal["raw", "content", "response"] | None = None
    redirect: bool | None = None


class AsyncApiArguments(Model):
    """``call: asyncapi`` arguments."""

    document: ExternalResource
    channel: str | None = None
    operation: str | None = None
    server: dict[str, Any] | None = None
    protocol: str | None = None
    message: dict[str, Any] | None = None
    subscription: dict[str, Any] | None = None
    authentication: AuthenticationPolicy | None = None


class A2AArguments(Model):
    """``call: a2a`` arguments."""

    agent_card: ExternalResource | None = Field(None, alias="agentCard")
    server: Endpoint | None = None
    method: str
    parameters: dict[str, Any] | str | None = None


class McpArguments(Model):
    """``call: mcp`` arguments (the schema leaves them open)."""

    model_config = Model.model_config | {"extra": "allow"}
    protocol_version: str | None = Field(None, alias="protocolVersion")
    method: str
    parameters: dict[str, Any] | str | None = None
    timeout: Duration | None = None
    transport: dict[str, Any]
    client: dict[str, Any] | None = None


class CallHttpTask(TaskBase):
    """Calls an HTTP endpoint."""

    call: Literal["http"]
    with_: HttpArguments = Field(alias="with")


class CallGrpcTask(TaskBase):
    """Calls a gRPC method."""

    call: Literal["grpc"]
    with_: GrpcArguments = Field(alias="with")


class CallOpenApiTask(TaskBase):
    """Calls an OpenAPI operation."""

    call: Literal["openapi"]
    with_: OpenApiArguments = Field(alias="with")


class CallAsyncApiTask(TaskBase):
    """Publishes or subscribes through an AsyncAPI operation."""

    call: Literal["asyncapi"]
    with_: AsyncApiArguments = Field(alias="with")


class CallA2ATask(TaskBase):
    """Calls an agent over the A2A protocol."""

    call: Literal["a2a"]
    with_: A2AArguments = Field(alias="with")


class CallMcpTask(TaskBase):
    """Calls a Model Context Protocol server."""

    call: Literal["mcp"]
    with_: McpArguments = Field(alias="with")


class CallFunctionTask(TaskBase):
    """Calls a custom function: a ProcureFlow function or one declared in ``use.functions``."""

    call: str
    with_: dict[str, Any] | None = Field(None, alias="with")


__all__ = [
    "CALL_PROTOCOLS",
    "A2AArguments",
    "AsyncApiArguments",
    "CallA2ATask",
    "CallAsyncApiTask",
    "CallFunctionTask",
    "CallGrpcTask",
    "CallHttpTask",
    "CallMcpTask",
    "CallOpenApiTask",
    "GrpcArguments",
    "GrpcService",
    "HttpArguments",
    "McpArguments",
    "OpenApiArguments",
]
