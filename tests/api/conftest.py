import json


class ApiClient:
    """The Django test client with a bearer token and JSON bodies."""

    def __init__(self, client, token):
        self.client, self.token = client, token

    def _headers(self, extra):
        return {
            "HTTP_AUTHORIZATION": f"Bearer {self.token}",
            **{f"HTTP_{k.upper().replace('-', '_')}": v for k, v in (extra or {}).items()},
        }

    def get(self, path, params=None, headers=None):
        return self.client.get(f"/api/v1{path}", params or {}, **self._headers(headers))

    def post(self, path, body=None, headers=None):
        return self.client.post(
            f"/api/v1{path}",
            json.dumps(body or {}),
            content_type="application/json",
            **self._headers(headers),
        )

    def put(self, path, body=None, headers=None):
        return self.client.put(
            f"/api/v1{path}",
            json.dumps(body or {}),
            content_type="application/json",
            **self._headers(headers),
        )

    def patch(self, path, body=None, headers=None):
        return self.client.patch(
            f"/api/v1{path}",
            json.dumps(body or {}),
            content_type="application/json",
            **self._headers(headers),
        )
