"""Build the `gpu` variant of the grading image once, and prove it works up to the device.

Not part of CI: the wheelhouse pulls the CUDA wheels `tensorflow[and-cuda]` depends on
(several GB). With no GPU here, the `gan` answer key is graded in the gpu image with
`--gpus none` (TensorFlow falls back to the CPU) and must score what it scores in the cpu image:

    .venv/bin/python benchmarks/build_gpu_image.py

Prints the build time (download included on a first run), the image size, and both scores.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from autograder import image  # noqa: E402
from autograder.course import Course  # noqa: E402
from autograder.demo import build_class  # noqa: E402
from autograder.engine import BatchOptions, grade  # noqa: E402


def answer_key_score(tag: str, scratch: Path) -> tuple[str, float, float]:
    """The `gan` demo's answer key graded in the image ``tag`` with no GPU."""
    demo = build_class(Course(ROOT), "gan", scratch / tag.replace(":", "-"))
    for folder in (demo.root / "submitted").iterdir():
        if folder.name != "ana":
            shutil.rmtree(folder)
    course = Course(demo.root, {"DockerRunner": {"image": tag, "gpus": "none"}})
    (result,) = grade(course, "gan", BatchOptions("docker", workers=1, lang="en"))
    return result.status.value, result.score, result.max_score


def main() -> None:
    began = time.monotonic()
    tag = image.build(ROOT, "gpu")
    built = time.monotonic() - began
    size = subprocess.run(["docker", "image", "inspect", "-f", "{{.Size}}", tag],
                          check=True, capture_output=True, text=True).stdout.strip()
    print(f"{tag}: built in {built / 60:.1f} min, {int(size) / 1e9:.2f} GB")
    with tempfile.TemporaryDirectory() as scratch:
        for variant_tag in (tag, image.image_tag("cpu")):
            status, score, max_score = answer_key_score(variant_tag, Path(scratch))
            print(f"gan answer key in {variant_tag} (--gpus none): {status}, {score:g}/{max_score:g}")


if __name__ == "__main__":
    main()
