"""`govmon web`: the console for supervisors, region officers and site operators.

Server-rendered pages (Starlette, Jinja2, a vendored htmx) and a small JSON API on the same store
as the daemon. Every request goes through `guard.py`, which authenticates it, checks the role's
capability and, for forms, the CSRF token; every read of sites and findings goes through `scope.py`.
"""
