"""Production headers: Content-Security-Policy, Permissions-Policy, HSTS, no Server header naming gunicorn,
and the API's documentation for signed-in users only in production."""

import http.client
import json
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[3]


def _directives(header: str) -> dict[str, list[str]]:
    parts = [part.split() for part in header.split(";") if part.strip()]
    return {part[0]: part[1:] for part in parts}


def test_every_page_has_a_csp_without_inline_script_or_style(client, world):
    client.force_login(world.practitioner)
    for path in [reverse("accounts:security"), reverse("core:home"), reverse("people:person_search")]:
        response = client.get(path)
        assert response.status_code == 200, path
        policy = _directives(response["Content-Security-Policy"])
        assert policy["script-src"] == ["'self'"]
        assert policy["style-src"] == ["'self'"]
        assert policy["default-src"] == ["'self'"] and policy["object-src"] == ["'none'"]
        assert policy["frame-ancestors"] == ["'none'"] and policy["base-uri"] == ["'self'"]
        assert not any("unsafe" in value for values in policy.values() for value in values)
        # And the page keeps to it: every script is a file of ours (or a JSON data block), no style attribute.
        html = response.content.decode()
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert 'src="/static/' in tag or 'type="application/json"' in tag, tag
        assert not re.search(r"\sstyle=", html)
        assert not re.search(r"<style\b", html)
        assert not re.search(r"\son[a-z]+=", html)  # no inline event handlers either


def test_signed_out_pages_and_errors_have_the_csp_too(client, db):
    for path, status in [(reverse("accounts:login"), 200), ("/no-such-page", 302), ("/healthz", 200)]:
        response = client.get(path)
        assert response.status_code == status
        assert "script-src 'self'" in response["Content-Security-Policy"]


def test_htmx_is_configured_to_need_no_inline_style_or_eval(client, db):
    html = client.get(reverse("accounts:login")).content.decode()
    config = re.search(r"<meta name=\"htmx-config\" content='([^']+)'>", html)
    assert json.loads(config.group(1)) == {"includeIndicatorStyles": False, "allowEval": False}
    assert "hx-on" not in html


def test_templates_have_no_inline_script_style_or_hx_on():
    for template in [*ROOT.glob("templates/**/*.html"), *ROOT.glob("casework/*/templates/**/*.html")]:
        if template.match("letters/letter.html") or template.name.endswith("_pdf.html"):
            continue  # rendered to PDF by WeasyPrint, never served as a page
        text = template.read_text()
        for tag in re.findall(r"<script\b[^>]*>", text):
            assert "src=" in tag or 'type="application/json"' in tag, (template, tag)
        assert not re.search(r"\sstyle=|<style\b|\shx-on|\son[a-z]+=\"", text), template


def test_permissions_policy_turns_off_what_casework_does_not_use(client, db):
    policy = client.get(reverse("accounts:login"))["Permissions-Policy"]
    features = dict(item.strip().split("=", 1) for item in policy.split(","))
    for feature in ["camera", "microphone", "geolocation", "payment", "usb"]:
        assert features[feature] == "()"


def test_hsts_is_sent_on_https_in_production(client, db, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    response = client.get(reverse("accounts:login"), secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert "Strict-Transport-Security" not in client.get(reverse("accounts:login"))  # never over plain HTTP


def _production_settings(code: str, **env) -> str:
    full_env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    full_env.update(
        {
            "DEBUG": "0",
            "SECRET_KEY": "x" * 20 + "a-real-random-secret-key-value",
            "DJANGO_SETTINGS_MODULE": "config.settings",
        },
        **env,
    )
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            f"import django; from django.conf import settings; django.setup(); print({code})",
        ],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_production_settings_turn_on_hsts_and_keep_the_api_docs_private():
    values = _production_settings(
        "settings.SECURE_HSTS_SECONDS, settings.SECURE_HSTS_INCLUDE_SUBDOMAINS, "
        "settings.SECURE_HSTS_PRELOAD, settings.API_DOCS_PUBLIC, "
        "sorted(settings.MFA_REQUIRED_ROLES), settings.MFA_REQUIRED_FOR_ALL"
    )
    roles = "['auditor', 'initiative_admin', 'org_admin', 'risk_analyst']"
    assert values == f"31536000 True False False {roles} False"
    configured = _production_settings(
        "settings.SECURE_HSTS_SECONDS, settings.API_DOCS_PUBLIC, sorted(settings.MFA_REQUIRED_ROLES), "
        "settings.MFA_REQUIRED_FOR_ALL",
        SECURE_HSTS_SECONDS="600",
        API_DOCS_PUBLIC="1",
        MFA_REQUIRED_ROLES="org_admin, team_manager",
        MFA_REQUIRED_FOR_ALL="1",
    )
    assert configured == "600 True ['org_admin', 'team_manager'] True"


def test_an_unknown_role_in_mfa_required_roles_is_refused_at_start():
    with pytest.raises(AssertionError, match="MFA_REQUIRED_ROLES names unknown roles: superhero"):
        _production_settings("1", MFA_REQUIRED_ROLES="org_admin,superhero")


@pytest.mark.parametrize("path", ["/api/v1/docs", "/api/v1/openapi.json"])
def test_api_docs_are_for_signed_in_users_in_production(client, world, settings, path):
    settings.API_DOCS_PUBLIC = False
    response = client.get(path)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
    client.force_login(world.practitioner)
    assert client.get(path).status_code == 200

    settings.API_DOCS_PUBLIC = True
    client.logout()
    assert client.get(path).status_code == 200


def test_the_api_docs_page_loads_its_scripts_from_here(client, world):
    client.force_login(world.practitioner)
    html = client.get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html and "cdn." not in html
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert 'src="/static/' in tag or 'type="application/json"' in tag, tag


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_gunicorn_with_the_casework_config_does_not_name_itself(tmp_path):
    port = _free_port()
    env = {
        **os.environ,
        "DEBUG": "1",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "CASEWORK_VAR_DIR": str(tmp_path),
    }
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "-c",
            "config/gunicorn_conf.py",
            "config.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            "1",
            "--no-control-socket",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                connection.request("GET", "/accounts/login/")
                response = connection.getresponse()
                break
            except OSError:
                assert server.poll() is None, server.stdout.read().decode()
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
        assert response.status == 200
        assert response.getheader("Server") == "Casework"
        assert "gunicorn" not in str(response.getheaders()).lower()
        assert "script-src 'self'" in response.getheader("Content-Security-Policy")
    finally:
        server.terminate()
        server.wait(timeout=10)
