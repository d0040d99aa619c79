"""The class report for instructors and TAs: score distribution, status counts, item analysis,
the mistakes a class makes, flagged submissions and grading time, from the gradebook."""
