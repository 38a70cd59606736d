"""dermsite: a static site generator for trustworthy skin-health content."""

__version__ = "0.1.0"
