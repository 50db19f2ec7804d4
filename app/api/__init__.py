"""The read-only JSON API (/api/v1/), its personal tokens and its OpenAPI document."""
