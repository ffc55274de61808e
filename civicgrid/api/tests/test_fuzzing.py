"""Property-based fuzzing of the API against its own OpenAPI document, with schemathesis.

Every operation is called through the WSGI application (as a server would call it) with
requests generated from the document: valid ones must answer a documented status, content
type and body; invalid ones anything but a server error. A dispatcher's token is sent, and
operations on a case are tried both on an existing case and on made-up numbers.
"""

from contextlib import contextmanager

import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from civicgrid.api.models import ApiToken
from civicgrid.api.tests.base import ApiTestCase
from civicgrid.wsgi import application

VALID_CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
INVALID_CHECKS = [not_a_server_error, response_schema_conformance]
EXAMPLES = {GenerationMode.POSITIVE: 25, GenerationMode.NEGATIVE: 10}


@contextmanager
def connection_kept():
    """Hold off the per-request connection housekeeping, as Django's test client does:
    closing the connection would end the test's transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def has_input(operation) -> bool:
    return bool(operation.body) or any(True for _p in operation.iter_parameters())


# Made-up user names still cost one password hash each (backends.py evens out the timing):
# a fast hasher for new hashes; the demo's own Argon2 hashes are still checked as they are.
FAST_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
]


@override_settings(PASSWORD_HASHERS=FAST_HASHERS)
class FuzzTests(ApiTestCase):
    def test_no_generated_request_gets_a_server_error_or_an_answer_outside_the_schema(self):
        case = self.dispatched()
        with connection_kept():
            schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
            operations = [result.ok() for result in schema.get_all_operations()]
            self.assertGreaterEqual(len(operations), 15)
            for operation in operations:
                fixed = [{}]
                if "{number}" in operation.path:
                    fixed.append({"number": case.number})
                for mode, examples in EXAMPLES.items():
                    if mode == GenerationMode.NEGATIVE and not has_input(operation):
                        continue  # nothing there to make invalid
                    for path_parameters in fixed:
                        with self.subTest(operation.label, mode=mode.value, **path_parameters):
                            self.fuzz(operation, mode, examples, path_parameters)

    def fuzz(self, operation, mode, examples, path_parameters):
        checks = VALID_CHECKS if mode == GenerationMode.POSITIVE else INVALID_CHECKS
        revoking = operation.method.upper() == "DELETE"
        token = self.token(self.paiqian)

        @settings(
            max_examples=examples,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(generated=operation.as_strategy(mode, path_parameters=path_parameters))
        def run(generated):
            bearer = ApiToken.issue(self.paiqian)[1] if revoking else token
            headers = {"Authorization": f"Bearer {bearer}"}
            response = generated.call(headers=headers)
            generated.validate_response(response, checks=checks, headers=headers)

        run()
