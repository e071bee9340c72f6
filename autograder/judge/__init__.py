"""The judge: what runs in the trusted grading process (sandbox client, grading primitives, values, pytest runner, result formats); never imported by the child."""
