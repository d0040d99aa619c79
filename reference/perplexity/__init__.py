"""Answer key and checks for the language-model evaluation assignment (grader side only)."""
