"""Answer key and checks for the text-classification assignment (grader side only)."""
