"""Feedback reports: HTML (self-contained) and Markdown, per student and for a class."""
