"""The English catalogue: the login page speaks English when asked."""

import pytest
from django.utils import translation


@pytest.mark.django_db
def test_the_login_page_shows_in_english(client):
    with translation.override("en"):
        response = client.get("/login/", HTTP_ACCEPT_LANGUAGE="en")
    text = response.content.decode()
    assert response.status_code == 200
    assert "Log in" in text
    assert "Password" in text
