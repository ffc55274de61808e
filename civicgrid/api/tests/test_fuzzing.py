"""Property-based fuzzing of the API against its own OpenAPI document, with schemathesis.

Every operation is called through the WSGI application (as a server would call it) with
requests generated from the document: valid ones must answer a documented status, content
type and body; invalid ones anything but a server error. A dispatcher's token is sent.
Operations with path parameters are tried both on made-up ids and on real objects of
every kind (a case, a campaign, a round, a draft inspection, a published period, a ledger
entry with a file…), so their answers are checked, not just their 404s.
"""

import datetime as dt
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
from civicgrid.api.operations import path_params
from civicgrid.api.tests.base import ApiTestCase
from civicgrid.campaigns.models import PointType
from civicgrid.cases.tests.base import photo
from civicgrid.inspections.models import Inspection, Site
from civicgrid.inspections.submission import save_item
from civicgrid.ledgers import entries
from civicgrid.ledgers.ledger_types import LECTURES, load_ledger_types
from civicgrid.scoring.compute import publish
from civicgrid.scoring.models import Unit
from civicgrid.scoring.tests.pages_base import ScoringTestCase
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


def real_value(real: dict, path: str, name: str):
    """The real object for a path parameter; a photo is a case's or an inspection's."""
    if name == "photo":
        return real["case_photo" if path.startswith("/cases/") else "inspection_photo"]
    return real.get(name)


def has_input(operation) -> bool:
    return bool(operation.body) or any(True for _p in operation.iter_parameters())


# Made-up user names still cost one password hash each (backends.py evens out the timing):
# a fast hasher for new hashes; the demo's own Argon2 hashes are still checked as they are.
FAST_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
]


@override_settings(PASSWORD_HASHERS=FAST_HASHERS)
class FuzzTests(ApiTestCase, ScoringTestCase):
    def real_objects(self) -> dict[str, object]:
        """An existing object for each kind of path parameter, that paiqian may see and use."""
        case = self.dispatched()
        period = self.computed()
        publish(period, self.paiqian)
        school = Site.objects.create(
            name="实验小学", point_type=PointType.SCHOOL, area=self.demo.grid(0, 1)
        )
        self.round.sites.add(self.market, school)
        draft = Inspection.objects.create(round=self.round, site=school, inspector=self.paiqian)
        item = save_item(draft, self.stalls, "fail", count=1, photos=[photo()])
        lectures = next(t for t in load_ledger_types(self.street) if t.code == LECTURES)
        values = {"title": "控烟", "speaker": "李医生", "attendees": 40}
        entry = entries.record(
            lectures,
            self.demo.grid(0, 0),
            dt.date(2026, 3, 5),
            entries.clean_values(lectures, values),
            self.wangge01,
            files={"photo": [photo()]},
        )
        return {
            "number": case.number,
            "code": self.street.code,
            "case_photo": case.photos.first().pk,
            "campaign": self.campaign.pk,
            "site": school.pk,
            "round": self.round.pk,
            "inspection": draft.pk,
            "indicator": self.stalls.pk,
            "inspection_photo": item.photos.first().pk,
            "period": period.pk,
            "score": self.score(Unit.COMMUNITY, self.demo.community(0)).pk,
            "ledger": lectures.pk,
            "entry": entry.pk,
            "file": entry.files.first().pk,
        }

    def test_no_generated_request_gets_a_server_error_or_an_answer_outside_the_schema(self):
        real = self.real_objects()
        with connection_kept():
            schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
            operations = [result.ok() for result in schema.get_all_operations()]
            self.assertGreaterEqual(len(operations), 40)
            for operation in operations:
                fixed = [{}]
                values = {
                    n: real_value(real, operation.path, n) for n in path_params(operation.path)
                }
                if values := {name: value for name, value in values.items() if value is not None}:
                    fixed.append(values)
                for mode, examples in EXAMPLES.items():
                    if mode == GenerationMode.NEGATIVE and not has_input(operation):
                        continue  # nothing there to make invalid
                    for path_parameters in fixed:
                        with self.subTest(operation.label, mode=mode.value, **path_parameters):
                            statuses = self.fuzz(operation, mode, examples, path_parameters)
                            valid = mode == GenerationMode.POSITIVE
                            if valid and path_parameters and operation.method.upper() == "GET":
                                # The real object was found: the answers were checked too.
                                self.assertTrue(any(s < 300 for s in statuses), statuses)

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
            statuses.add(response.status_code)
            generated.validate_response(response, checks=checks, headers=headers)

        statuses: set[int] = set()
        run()
        return statuses
