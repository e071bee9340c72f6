"""The judge: everything that runs in the trusted grading process."""
