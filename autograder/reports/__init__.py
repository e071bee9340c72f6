"""Feedback reports (self-contained HTML and Markdown with figures, per student and for a class): used by the judge's writers, never by the child."""
