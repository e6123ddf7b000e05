"""The fixture province: example government websites and accounts with known problems.

`govmon demo` serves it so a user can watch every check work offline; the test suite serves the same
province (tests/fixture_province.py) and asserts the findings against `province.expected`.
"""

from monitor.demo.province import DEMO_AS_OF, build_province
from monitor.demo.server import RunningProvince, serve_province
from monitor.demo.spec import ExpectedDefects, Province, SiteExpectation

__all__ = [
    "DEMO_AS_OF", "ExpectedDefects", "Province", "RunningProvince", "SiteExpectation", "build_province",
    "serve_province",
]
