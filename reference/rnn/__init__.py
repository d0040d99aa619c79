"""Answer key and checks for the recurrent-networks assignment (grader side only)."""
