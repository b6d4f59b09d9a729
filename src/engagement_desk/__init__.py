"""Engagement Desk: run SEND parent and carer engagement events offline."""

__version__ = "0.1.0"
APP_NAME = "Engagement Desk"
