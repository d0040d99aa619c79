# The grading image: Debian bookworm, Debian's Python 3.11, the course's pinned environment and
# the sandbox side of the autograder. No answer key: reference/ never enters the build context.
# Build it with `autograder image build [--variant cpu|gpu]`, which fills wheelhouse/ on the host
# first; the build itself needs no network (`docker build --network none`).
FROM debian:bookworm-slim

ARG VARIANT=cpu

# dpkg -i takes no pre-dependency order into account: a few passes settle the chain
# python3.11-minimal -> python3-minimal -> python3.
COPY wheelhouse/debs/ /tmp/debs/
RUN for pass in 1 2 3; do dpkg -i --skip-same-version /tmp/debs/*.deb && break; done \
    && dpkg --audit && python3 -m venv --help >/dev/null && rm -rf /tmp/debs

# Bookworm's Python is 3.11.2; a few pinned pure-Python wheels declare >=3.11.5 without
# needing anything newer.
COPY wheelhouse/${VARIANT}/ /tmp/wheels/
RUN python3 -m venv /opt/venv \
    && /opt/venv/bin/pip install --no-index --no-cache-dir --ignore-requires-python --find-links /tmp/wheels \
       -r /tmp/wheels/requirements.txt -c /tmp/wheels/constraints.txt \
    && rm -rf /tmp/wheels

# Grader-held data: files of installed packages that only the grader may read (held-out test
# articles, for example; `autograder image build` lists them) are emptied in place, so each
# package keeps its own file names and order.
COPY wheelhouse/grader-only.txt /tmp/grader-only.txt
RUN while read -r file; do : > "/opt/venv/lib/python3.11/site-packages/$file"; done < /tmp/grader-only.txt \
    && rm /tmp/grader-only.txt

# No home directory in the image: each container mounts a fresh tmpfs there (world-writable,
# as the kernel runs under a uid of its own).
RUN useradd --uid 1000 --no-create-home --home-dir /home/student --shell /usr/sbin/nologin student

COPY autograder/ /opt/venv/lib/python3.11/site-packages/autograder/
RUN /opt/venv/bin/python -m compileall -q /opt/venv/lib/python3.11/site-packages/autograder

# The Docker runner passes the kernel's whole environment; these make the image usable by hand.
ENV PATH=/opt/venv/bin:/usr/local/bin:/usr/bin:/bin \
    HOME=/home/student \
    LANG=C.UTF-8 \
    PYTHONNOUSERSITE=1 \
    PYTHONDONTWRITEBYTECODE=1

USER student
WORKDIR /
CMD ["python", "-m", "autograder.sandbox.pool", "--help"]
