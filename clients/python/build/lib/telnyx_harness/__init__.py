"""Helpers for testing an application against telnyx-mock: ``TelnyxMock`` (start or attach,
control API) and a pytest plugin with the ``telnyx_mock`` fixture."""

from .mock import DEFAULT_API_KEY, MockError, TelnyxMock, VerifyError, WebhookTimeout

__all__ = ["DEFAULT_API_KEY", "MockError", "TelnyxMock", "VerifyError", "WebhookTimeout"]
