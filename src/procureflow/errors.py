"""The one error hierarchy of ProcureFlow.

Every error the product raises on purpose derives from :class:`ProcureFlowError`.
The CLI prints ``str(error)`` as one line and exits non-zero; the API turns an error
into an RFC 9457 problem document using :attr:`ProcureFlowError.status` and
:attr:`ProcureFlowError.code`.

::

    ProcureFlowError
    ├── ConfigError                 settings that cannot work
    ├── InvalidInput                bad input from a person or a file (400/422)
    │   ├── InvalidText             text the database cannot store: NUL, not UTF-8 (400)
    │   ├── PlaybookInvalid         a playbook document that does not validate
    │   ├── ExpressionError         a jq or CEL expression that does not compile or run
    │   ├── EventInvalid            a CloudEvent missing required attributes
    │   ├── PolicyInvalid           a policy document that does not validate
    │   ├── ImportRejected          a master-data file with a bad row
    │   └── DocumentRejected        a document or e-invoice that cannot be accepted
    ├── NotFound                    an id that names nothing (404)
    ├── Conflict                    a state that refuses the request (409)
    │   ├── StaleApproval           a decision quoting a digest that is not the current one
    │   └── SegregationOfDuties     a requester deciding their own request
    ├── Forbidden                   a role that may not do this (403)
    ├── Unauthenticated             no or bad credentials (401)
    ├── TooManyAttempts             a locked-out login, with Retry-After (429)
    ├── WorkflowFault               a playbook instance raised an error it did not catch
    └── IntegrityError              the audit ledger or a stored file does not verify
"""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    """Stable machine-readable codes, part of the API's problem documents."""

    CONFIG = "config"
    INVALID_INPUT = "invalid-input"
    INVALID_TEXT = "invalid-text"
    PLAYBOOK_INVALID = "playbook-invalid"
    EXPRESSION_ERROR = "expression-error"
    EVENT_INVALID = "event-invalid"
    POLICY_INVALID = "policy-invalid"
    IMPORT_REJECTED = "import-rejected"
    DOCUMENT_REJECTED = "document-rejected"
    NOT_FOUND = "not-found"
    CONFLICT = "conflict"
    STALE_APPROVAL = "stale-approval"
    SEGREGATION_OF_DUTIES = "segregation-of-duties"
    FORBIDDEN = "forbidden"
    UNAUTHENTICATED = "unauthenticated"
    TOO_MANY_ATTEMPTS = "too-many-attempts"
    WORKFLOW_FAULT = "workflow-fault"
    INTEGRITY = "integrity"
    OVERLOADED = "overloaded"
    ENGINE_UNAVAILABLE = "engine-unavailable"


class ProcureFlowError(Exception):
    """Root of every error ProcureFlow raises on purpose.

    ``subject`` names what the error is about (a file, an id, a field) so that the
    one-line message and the problem document both say what is wrong.
    """

    code: ErrorCode = ErrorCode.INVALID_INPUT
    status: int = 500
    title: str = "ProcureFlow error"

    def __init__(self, message: str, *, subject: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.subject = subject

    def __str__(self) -> str:
        if self.subject and not self.message.startswith(self.subject):
            return f"{self.subject}: {self.message}"
        return self.message


class ConfigError(ProcureFlowError):
    code = ErrorCode.CONFIG
    status = 500
    title = "Configuration error"


class InvalidInput(ProcureFlowError):
    code = ErrorCode.INVALID_INPUT
    status = 422
    title = "Invalid input"


class InvalidText(InvalidInput):
    """Text no store can keep as text: a NUL character, bytes that are not UTF-8, a lone
    surrogate. PostgreSQL refuses them where SQLite keeps them, so they are refused where
    they come in, naming where they are, and never reach a database."""

    code = ErrorCode.INVALID_TEXT
    status = 400
    title = "Invalid text"


class PlaybookInvalid(InvalidInput):
    code = ErrorCode.PLAYBOOK_INVALID
    title = "Invalid playbook"


class ExpressionError(InvalidInput):
    code = ErrorCode.EXPRESSION_ERROR
    title = "Expression error"


class EventInvalid(InvalidInput):
    code = ErrorCode.EVENT_INVALID
    status = 400
    title = "Invalid CloudEvent"


class PolicyInvalid(InvalidInput):
    code = ErrorCode.POLICY_INVALID
    title = "Invalid policy"


class ImportRejected(InvalidInput):
    code = ErrorCode.IMPORT_REJECTED
    title = "Import rejected"


class DocumentRejected(InvalidInput):
    code = ErrorCode.DOCUMENT_REJECTED
    title = "Document rejected"


class NotFound(ProcureFlowError):
    code = ErrorCode.NOT_FOUND
    status = 404
    title = "Not found"


class Conflict(ProcureFlowError):
    code = ErrorCode.CONFLICT
    status = 409
    title = "Conflict"


class StaleApproval(Conflict):
    code = ErrorCode.STALE_APPROVAL
    title = "Stale approval"


class SegregationOfDuties(Conflict):
    code = ErrorCode.SEGREGATION_OF_DUTIES
    status = 403
    title = "Segregation of duties"


class Forbidden(ProcureFlowError):
    code = ErrorCode.FORBIDDEN
    status = 403
    title = "Forbidden"


class Unauthenticated(ProcureFlowError):
    code = ErrorCode.UNAUTHENTICATED
    status = 401
    title = "Unauthenticated"


class TooManyAttempts(ProcureFlowError):
    """Refused for now: too many failed logins; ``retry_after`` seconds until allowed."""

    code = ErrorCode.TOO_MANY_ATTEMPTS
    status = 429
    title = "Too many attempts"

    def __init__(self, message: str, *, retry_after: int, subject: str | None = None) -> None:
        super().__init__(message, subject=subject)
        self.retry_after = retry_after


class WorkflowFault(ProcureFlowError):
    code = ErrorCode.WORKFLOW_FAULT
    status = 500
    title = "Workflow fault"


class IntegrityError(ProcureFlowError):
    code = ErrorCode.INTEGRITY
    status = 500
    title = "Integrity check failed"


class Overloaded(ProcureFlowError):
    """More work is waiting than the workers are set to take; try again later."""

    code = ErrorCode.OVERLOADED
    status = 503
    title = "Too much work waiting"

    def __init__(self, message: str, *, retry_after_seconds: int) -> None:
        super().__init__(message)
        self.retry_after_seconds = retry_after_seconds


class EngineUnavailable(ProcureFlowError):
    """This process can reach no durable engine (it runs none and has no client)."""

    code = ErrorCode.ENGINE_UNAVAILABLE
    status = 503
    title = "Workflow engine unavailable"


__all__ = [
    "Conflict",
    "EngineUnavailable",
    "ConfigError",
    "DocumentRejected",
    "ErrorCode",
    "EventInvalid",
    "ExpressionError",
    "Forbidden",
    "ImportRejected",
    "IntegrityError",
    "InvalidInput",
    "InvalidText",
    "NotFound",
    "Overloaded",
    "PlaybookInvalid",
    "PolicyInvalid",
    "ProcureFlowError",
    "SegregationOfDuties",
    "StaleApproval",
    "TooManyAttempts",
    "Unauthenticated",
    "WorkflowFault",
]
