#!/usr/bin/env bash
# Prepare Docker grading on a CI machine (run as root; idempotent): the engine from Debian's
# packages, a running dockerd, the Debian base image (debootstrap when no registry answers)
# and the CPU grading image (layer cache and wheelhouse reused).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" != 0 ]; then
  echo "docker-setup: not root, skipping (Docker tests will be skipped)" >&2
  exit 0
fi

if ! command -v dockerd >/dev/null 2>&1 || ! command -v debootstrap >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io debootstrap
fi

if ! docker info >/dev/null 2>&1; then
  nohup dockerd >/var/log/dockerd.log 2>&1 &
  for _ in $(seq 1 60); do
    docker info >/dev/null 2>&1 && break
    sleep 1
  done
  docker info >/dev/null 2>&1 || { echo "docker-setup: dockerd did not start" >&2; tail -20 /var/log/dockerd.log >&2; exit 1; }
fi

# The image build needs the venv's Python (pip download, the docker SDK).
make setup >/dev/null

if ! docker image inspect debian:bookworm-slim >/dev/null 2>&1; then
  timeout 60 docker pull debian:bookworm-slim >/dev/null 2>&1 || .venv/bin/autograder image bootstrap-base
fi

.venv/bin/autograder image build --variant cpu
