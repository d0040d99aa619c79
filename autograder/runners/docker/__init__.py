"""The Docker runner: one locked-down container per submission, started warm.

Each submission's kernel runs in its own container of the grading image (see ``Dockerfile``):
no network, memory/CPU/pids limits, a read-only root with size-limited tmpfs scratch
(``/home/student``, ``/tmp``), a non-root uid of its own, no capabilities, no new privileges.
The container sees only its own job folder, mounted at the same path as on the host so the
kernel's IPC sockets and the oracle's socket have one name on both sides; the oracle stays on
the host. Nothing the container writes is unpickled, and its log is read back size-capped.

- :mod:`.runner`: the runner (settings, checks of the engine and image, the container spec);
- :mod:`.containers`: starting a container ahead of need (its sandbox slot);
- :mod:`.attach`: the host-side process jupyter_client sees as the kernel; it starts once per
  kernel, so this package imports nothing until one of its modules is asked for.
"""
