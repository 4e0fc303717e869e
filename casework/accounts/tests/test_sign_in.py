import pytest
from django.conf import settings
from django.urls import reverse


def test_sign_in_and_out(client, world):
    response = client.post(
        reverse("accounts:login"), {"username": "practitioner", "password": settings.DEMO_PASSWORD}
    )
    assert response.status_code == 302
    assert client.get(reverse("core:home")).status_code == 200
    client.post(reverse("accounts:logout"))
    assert client.get(reverse("core:home")).status_code == 302


def test_wrong_password_shows_an_error_summary(client, world):
    response = client.post(reverse("accounts:login"), {"username": "practitioner", "password": "wrong"})
    assert response.status_code == 200
    assert b"There is a problem" in response.content
    assert b"Enter a correct username and password" in response.content


@pytest.mark.django_db
def test_repeated_failed_sign_ins_are_throttled(client, world):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("accounts:login"), {"username": "practitioner", "password": "wrong"})
    response = client.post(
        reverse("accounts:login"), {"username": "practitioner", "password": settings.DEMO_PASSWORD}
    )
    assert response.status_code == 429
    assert b"Sign-in is paused" in response.content
