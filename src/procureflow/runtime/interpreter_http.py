"""HTTP and OpenAPI calls: endpoint templates, authentication, output modes, errors."""

from __future__ import annotations

import base64
from typing import Any

from procureflow.domain.egress import NOT_REACHABLE
from procureflow.playbooks.expressions import interpolate_uri, is_runtime_expression
from procureflow.playbooks.model_common import EndpointConfig
from procureflow.playbooks.model_tasks import CallHttpTask, CallOpenApiTask, TaskBase
from procureflow.runtime.faults import fault
from procureflow.runtime.interpreter_base import Scope
from procureflow.runtime.interpreter_flow import FlowTasks
from procureflow.runtime.ports import HttpRequest


class HttpCalls(FlowTasks):
    """``call: http`` and ``call: openapi`` through the HTTP port."""

    def _http(self, task: CallHttpTask, data: Any, variables: Scope, pointer: str) -> Any:
        if self.http is None:
            raise fault(
                "configuration", 500, "No HTTP client", "HTTP calls are not configured", pointer
            )
        arguments = task.with_
        endpoint = arguments.endpoint
        uri = endpoint.uri if isinstance(endpoint, EndpointConfig) else endpoint
        if is_runtime_expression(uri):
            uri = str(self.evaluate_one(uri, data, variables, pointer))
        else:
            try:
                uri = interpolate_uri(uri, data)
            except Exception as exc:
                raise fault("expression", 400, "Bad endpoint", str(exc), pointer) from None
        headers = self.eval(arguments.headers or {}, data, variables, pointer, bare=False)
        query = self.eval(arguments.query or {}, data, variables, pointer, bare=False)
        body = self.eval(arguments.body, data, variables, pointer, bare=False)
        headers = {str(k): str(v) for k, v in dict(headers).items()}
        if isinstance(endpoint, EndpointConfig) and endpoint.authentication is not None:
            headers.update(self._auth_headers(endpoint.authentication, data, variables, pointer))
        request = HttpRequest(
            method=arguments.method.upper(),
            url=uri,
            headers=headers,
            query={str(k): str(v) for k, v in dict(query).items()},
            body=body,
            follow_redirects=bool(arguments.redirect),
            timeout_seconds=self._timeout_of(task, data, variables, pointer),
        )
        return self._send(request, arguments.output or "content", pointer)

    def _timeout_of(
        self, task: TaskBase, data: Any, variables: Scope, pointer: str
    ) -> float | None:
        if task.timeout is None:
            return None
        timeout = task.timeout
        if isinstance(timeout, str):
            named = (self.workflow.use.timeouts or {}) if self.workflow.use else {}
            if timeout not in named:
                return None
            timeout = named[timeout]
        return self.duration(timeout.after, data, variables, pointer)

    def _send(self, request: HttpRequest, mode: str, pointer: str) -> Any:
        if self.http is None:
            raise fault(
                "configuration", 500, "No HTTP client", "HTTP calls are not configured", pointer
            )
        try:
            response = self.http.send(request)
        except TimeoutError:
            raise fault(
                "timeout", 408, "HTTP call timed out", f"{request.method} {request.url}", pointer
            ) from None
        except OSError:
            # Denied by the egress policy, refused, no route, unknown host: one fault, so
            # that a playbook cannot use HTTP calls to map the network. The HTTP port logs
            # the precise reason (and the durable runtime audits a denial).
            raise fault(
                "communication",
                503,
                f"HTTP call failed: {NOT_REACHABLE}",
                f"{request.method} {request.url}",
                pointer,
            ) from None
        if response.status >= 300:
            raise fault(
                "communication",
                response.status,
                f"HTTP {response.status}",
                f"{request.method} {request.url} answered {response.status}",
                pointer,
            )
        if mode == "raw":
            return base64.b64encode(response.raw.encode("utf-8")).decode("ascii")
        if mode == "response":
            return {
                "request": {
                    "method": request.method,
                    "uri": request.url,
                    "headers": request.headers,
                },
                "statusCode": response.status,
                "headers": response.headers,
                "content": response.content,
            }
        return response.content

    def _openapi(self, task: CallOpenApiTask, data: Any, variables: Scope, pointer: str) -> Any:
        arguments = task.with_
        endpoint = arguments.document.endpoint
        document_uri = endpoint.uri if isinstance(endpoint, EndpointConfig) else endpoint
        if is_runtime_expression(document_uri):
            document_uri = str(self.evaluate_one(document_uri, data, variables, pointer))
        document = self._send(HttpRequest(method="GET", url=document_uri), "content", pointer)
        if not isinstance(document, dict):
            raise fault("communication", 502, "Bad OpenAPI document", document_uri, pointer)
        method, path, operation = _find_operation(document, arguments.operation_id)
        if operation is None:
            raise fault(
                "configuration", 404, "Unknown OpenAPI operation", arguments.operation_id, pointer
            )
        values = dict(self.eval(arguments.parameters or {}, data, variables, pointer, bare=False))
        headers: dict[str, str] = {}
        query: dict[str, str] = {}
        body: Any = None
        declared = {p.get("name"): p.get("in") for p in operation.get("parameters", [])}
        for name, value in values.items():
            place = declared.get(name, "query")
            if place == "path":
                path = path.replace("{" + name + "}", str(value))
            elif place == "header":
                headers[name] = str(value)
            elif place == "body":
                body = value
            else:
                query[name] = str(value)
        if isinstance(endpoint, EndpointConfig) and endpoint.authentication is not None:
            headers.update(self._auth_headers(endpoint.authentication, data, variables, pointer))
        if arguments.authentication is not None:
            headers.update(self._auth_headers(arguments.authentication, data, variables, pointer))
        request = HttpRequest(
            method=method.upper(),
            url=_base_url(document, document_uri) + path,
            headers=headers,
            query=query,
            body=body,
            follow_redirects=bool(arguments.redirect),
            timeout_seconds=self._timeout_of(task, data, variables, pointer),
        )
        return self._send(request, arguments.output or "content", pointer)

    def _auth_headers(
        self, policy: Any, data: Any, variables: Scope, pointer: str
    ) -> dict[str, str]:
        if policy.use is not None:
            named = (self.workflow.use.authentications or {}) if self.workflow.use else {}
            if policy.use not in named:
                raise fault("configuration", 400, "Unknown authentication", policy.use, pointer)
            policy = named[policy.use]
        if policy.basic is not None:
            basic = self._secret_or_inline(policy.basic, data, variables, pointer)
            token = base64.b64encode(
                f"{basic.get('username', '')}:{basic.get('password', '')}".encode()
            ).decode("ascii")
            return {"Authorization": f"Basic {token}"}
        if policy.bearer is not None:
            bearer = self._secret_or_inline(policy.bearer, data, variables, pointer)
            return {"Authorization": f"Bearer {bearer.get('token', '')}"}
        raise fault(
            "authentication",
            501,
            "Not supported",
            "only basic and bearer authentication are supported",
            pointer,
        )

    def _secret_or_inline(
        self, config: dict[str, Any], data: Any, variables: Scope, pointer: str
    ) -> dict[str, Any]:
        if "use" in config:
            secret = self.secrets.get(str(config["use"]))
            if not isinstance(secret, dict):
                raise fault("authentication", 401, "Missing secret", str(config["use"]), pointer)
            return secret
        return dict(self.eval(config, data, variables, pointer, bare=False))


def _find_operation(document: dict[str, Any], operation_id: str) -> tuple[str, str, Any]:
    for path, operations in (document.get("paths") or {}).items():
        for method, operation in (operations or {}).items():
            if isinstance(operation, dict) and operation.get("operationId") == operation_id:
                return method, path, operation
    return "get", "", None


def _base_url(document: dict[str, Any], document_uri: str) -> str:
    """Where the operations live: OpenAPI 3 ``servers`` or Swagger 2 host + basePath."""
    from urllib.parse import urljoin, urlsplit

    servers = document.get("servers") or []
    if servers and isinstance(servers[0], dict) and servers[0].get("url"):
        return urljoin(document_uri, str(servers[0]["url"])).rstrip("/")
    parts = urlsplit(document_uri)
    schemes = document.get("schemes") or [parts.scheme]
    scheme = parts.scheme if parts.scheme in schemes else schemes[0]
    host = document.get("host") or parts.netloc
    return f"{scheme}://{host}{document.get('basePath', '')}".rstrip("/")


__all__ = ["HttpCalls"]
