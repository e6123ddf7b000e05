"""The website crawler: one registered site in, one `SiteObservation` out (see `site.py`)."""

from monitor.crawl.site import SiteCrawler

__all__ = ["SiteCrawler"]
