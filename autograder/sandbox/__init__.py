"""What the sandboxed child runs: the wire format, the child's loop, the scenario runners and what they build on.

Nothing here is secret: the child imports it. Hidden graders, reference
curves and solutions live elsewhere and are never imported by the child.
"""
