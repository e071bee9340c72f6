"""What the child runs (wire format, child loop, scenario harness, fork server, the students' local child); imported by the judge, never imports it.

Nothing here is secret: the child imports it. Hidden graders, reference
curves and solutions live elsewhere and are never imported by the child.
"""
