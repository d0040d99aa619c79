"""``autograder image``: build the grading image without network access inside the build.

Everything the image installs is fetched on the host first, into ``wheelhouse/<variant>/``
(reused when present): the course's pinned wheels (``pip download``) and Debian's Python
packages (``apt-get download``). The build itself runs with ``--network none`` and installs
with ``pip install --no-index``, as air-gapped university servers need. ``bootstrap-base``
makes the Debian base image with debootstrap when no registry answers.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from autograder.runners.base import RunnerError
from autograder.wire import PackageFile

BASE_IMAGE = "debian:bookworm-slim"
IMAGE = "autograder-grading"
VARIANTS = ("cpu", "gpu")
GPU_TENSORFLOW = "tensorflow[and-cuda]==2.21.0"
# Debian's Python 3.11 and what it needs beyond a minimal base. debconf front ends other than
# debconf itself are left out: the base already configures packages non-interactively.
DEBIAN_PACKAGES = ("python3", "python3-venv")
_SKIP_DEBS = {"cdebconf", "libdebian-installer4", "libnewt0.52", "libslang2", "libtextwrap1"}


SOURCE_LABEL = "autograder.source"
GRADER_ONLY_LABEL = "autograder.grader-only"
GRADER_ONLY_FILE = "grader-only.txt"


def image_tag(variant: str) -> str:
    return f"{IMAGE}:{variant}"


def source_digest() -> str:
    """A digest of the autograder package the image carries: an image built from other code
    would run another sandbox side than the grader expects."""
    package = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        digest.update(str(path.relative_to(package)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def grader_only_listing(files: list[PackageFile]) -> str:
    """The grader-only files as paths under site-packages, one per line (what the image empties)."""
    return "".join(f"{line}\n" for line in sorted({f"{f.package.replace('.', '/')}/{f.path}" for f in files}))


def grader_only_digest(files: list[PackageFile]) -> str:
    return hashlib.sha256(grader_only_listing(files).encode()).hexdigest()[:16]


def grader_only_label(assignment: str) -> str:
    """The image label that records which of ``assignment``'s grader-only files it empties."""
    return f"{GRADER_ONLY_LABEL}.{assignment}"


def _course_grader_only(root: Path) -> dict[str, list[PackageFile]]:
    from autograder.course import Course

    course = Course(root)
    found = {name: course.assignment(name).grader_only() for name in course.assignments}
    return {name: files for name, files in found.items() if files}


def _run(command: list[str], **kwargs: object) -> None:
    print("+", " ".join(command), file=sys.stderr)
    result = subprocess.run(command, check=False, **kwargs)  # type: ignore[call-overload]
    if result.returncode != 0:
        raise RunnerError(f"command failed ({result.returncode}): {' '.join(command)}")


def _requirements(root: Path, variant: str) -> tuple[str, str]:
    """The variant's requirements and constraints: the course pins, with the right TensorFlow."""
    requirements = (root / "requirements.txt").read_text()
    constraints = (root / "constraints.txt").read_text()
    if variant == "gpu":
        requirements = re.sub(r"(?m)^tensorflow-cpu==.*$", GPU_TENSORFLOW, requirements)
        # The CUDA wheels tensorflow[and-cuda] pulls in are pinned by TensorFlow itself.
        constraints = re.sub(r"(?m)^tensorflow[-_]cpu==.*\n?", "", constraints)
    return requirements, constraints


def wheelhouse(root: Path, variant: str) -> Path:
    """Download (once) everything the image installs into ``wheelhouse/<variant>``."""
    target = root / "wheelhouse" / variant
    target.mkdir(parents=True, exist_ok=True)
    requirements, constraints = _requirements(root, variant)
    (target / "requirements.txt").write_text(requirements)
    (target / "constraints.txt").write_text(constraints)
    stamp = target / ".complete"
    if not stamp.exists() or stamp.read_text() != requirements + constraints:
        _run([sys.executable, "-m", "pip", "download", "-q", "--only-binary=:all:", "-d", str(target),
              "-r", str(target / "requirements.txt"), "-c", str(target / "constraints.txt")])
        stamp.write_text(requirements + constraints)
    debs = root / "wheelhouse" / "debs"
    if not any(debs.glob("*.deb")):
        _download_debs(debs)
    return target


def _download_debs(target: Path) -> None:
    if shutil.which("apt-get") is None:
        raise RunnerError("apt-get is needed on the host to fetch Debian's python3 packages for the image")
    listing = subprocess.run(
        ["apt-cache", "depends", "--recurse", "--no-recommends", "--no-suggests", "--no-conflicts",
         "--no-breaks", "--no-replaces", "--no-enhances", *DEBIAN_PACKAGES],
        check=True, capture_output=True, text=True).stdout
    names = sorted({line for line in listing.splitlines() if re.match(r"^[a-z0-9]", line)} - _SKIP_DEBS)
    target.mkdir(parents=True, exist_ok=True)
    _run(["apt-get", "download", *names], cwd=target)


def build(root: Path, variant: str) -> str:
    if shutil.which("docker") is None:
        raise RunnerError("docker is not installed (apt-get install docker.io)")
    wheelhouse(root, variant)
    hidden = _course_grader_only(root)
    (root / "wheelhouse" / GRADER_ONLY_FILE).write_text(
        grader_only_listing([f for files in hidden.values() for f in files]))
    labels = [f"{SOURCE_LABEL}={source_digest()}",
              *(f"{grader_only_label(name)}={grader_only_digest(files)}" for name, files in hidden.items())]
    tag = image_tag(variant)
    _run(["docker", "build", "--network", "none", "--build-arg", f"VARIANT={variant}",
          *(arg for label in labels for arg in ("--label", label)), "-t", tag, str(root)])
    return tag


def bootstrap_base(suite: str = "bookworm") -> None:
    """Build ``debian:bookworm-slim`` locally with debootstrap (root only)."""
    if shutil.which("debootstrap") is None:
        raise RunnerError("debootstrap is not installed (apt-get install debootstrap)")
    with tempfile.TemporaryDirectory(prefix="autograder-rootfs-") as tmp:
        rootfs = Path(tmp) / "rootfs"
        _run(["debootstrap", "--variant=minbase", suite, str(rootfs)])
        tar = subprocess.Popen(["tar", "-C", str(rootfs), "-c", "."], stdout=subprocess.PIPE)
        _run(["docker", "import", "-", BASE_IMAGE], stdin=tar.stdout)
        if tar.wait() != 0:
            raise RunnerError("tar of the bootstrapped root filesystem failed")


def cmd_image(args: argparse.Namespace) -> int:
    from autograder.course import Course

    if args.image_command == "build":
        print(build(Course.find(Path(args.course) if args.course else None).root, args.variant))
    else:
        bootstrap_base()
    return 0


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register ``autograder image build|bootstrap-base``."""
    parser = subparsers.add_parser("image", help="build the Docker grading image")
    sub = parser.add_subparsers(dest="image_command", required=True, help="build or bootstrap-base")
    p = sub.add_parser("build", help="build the grading image from a host-side wheelhouse")
    p.add_argument("--variant", choices=VARIANTS, default="cpu", help="TensorFlow build (default: cpu)")
    p.set_defaults(func=cmd_image)
    p = sub.add_parser("bootstrap-base", help=f"make {BASE_IMAGE} locally with debootstrap")
    p.set_defaults(func=cmd_image)
