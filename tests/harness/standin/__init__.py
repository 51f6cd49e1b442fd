"""Plan-only stand-ins for hashicorp/aws and hashicorp/archive, served to real Terraform.

Built on the PyPI framework `tf` (its plugin handshake, TLS and protocol-6 bindings); the
provider logic is schema-driven: every resource and data source type of the generated schema
(tests/harness/schema/) is served, plans mark computed values unknown as the real SDK does, and
apply/import are refused.
"""
