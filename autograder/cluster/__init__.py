"""Grading across machines with Dask: a batch sends submissions, grading hosts grade them.

``client`` is the batch's side (``autograder grade --scheduler``); ``worker`` is the grading
host's (``dask worker --preload autograder.cluster.worker``); ``task`` is the plain data that
travels between them and ``versions`` what both must agree on for grades to be the same
wherever a submission is graded.
"""
