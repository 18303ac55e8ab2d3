"""The benchmark suite of issue 7: each benchmark measured side by side with its reference.

A plain package, not a Django app: it has no models. `runner` orchestrates (it never imports
the project's database through Django: every measured import runs in a fresh child process
pointed at a fresh database), `worker` is what those children run.
"""
