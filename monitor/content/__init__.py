"""Content safety: personal data in pages and attachments, 错敏 wording, re-dated articles.

Pure readers of text: no I/O and no clock, so the crawler may call them on any page or attachment
and the tests may call them on any string.
"""
