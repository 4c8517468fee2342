# The trainer: `orca run <experiment.yaml>`, on CPU libtorch (default) or CUDA. Build from the repository root after
# `mvn -pl trainer -am package -DskipTests` (which puts the runtime jars in trainer/target/lib):
#   docker build -f images/trainer.Dockerfile -t ghcr.io/orca-dev/orca-trainer-cpu:0.1.0 .
#   docker build -f images/trainer.Dockerfile --build-arg VARIANT=cuda -t ghcr.io/orca-dev/orca-trainer:0.1.0 .
# The CUDA variant needs libtorch 2.7.1 built for CUDA 12.8, which is not on Maven Central (FACTS.md): it is
# downloaded from pytorch.org here, at image build on a connected machine, and DJL is pointed at it.
ARG VARIANT=cpu

FROM eclipse-temurin:17-jre-jammy AS base-cpu
FROM nvidia/cuda:12.8.1-cudnn-runtime-ubuntu22.04 AS base-cuda
RUN apt-get update && apt-get install -y --no-install-recommends openjdk-17-jre-headless curl unzip ca-certificates \
 && curl -fsSL -o /tmp/libtorch.zip \
    "https://download.pytorch.org/libtorch/cu128/libtorch-cxx11-abi-shared-with-deps-2.7.1%2Bcu128.zip" \
 && unzip -q /tmp/libtorch.zip -d /opt && rm /tmp/libtorch.zip \
 && apt-get purge -y curl unzip && rm -rf /var/lib/apt/lists/*
ENV PYTORCH_LIBRARY_PATH=/opt/libtorch/lib PYTORCH_VERSION=2.7.1 PYTORCH_FLAVOR=cu128

FROM base-${VARIANT}
# jemalloc as ./orca configures it (its comment says why: pages reused across steps, RSS bounded by a 10 s decay).
RUN apt-get update && apt-get install -y --no-install-recommends libjemalloc2 && rm -rf /var/lib/apt/lists/* \
 && useradd --uid 1000 --no-create-home --home-dir /tmp orca
ENV LD_PRELOAD=/usr/lib/x86_64-linux-gnu/libjemalloc.so.2 \
    MALLOC_CONF=oversize_threshold:1,background_thread:true,metadata_thp:auto,dirty_decay_ms:10000,muzzy_decay_ms:0 \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=60 -Dai.djl.offline=true -Dai.djl.default_engine=PyTorch"
COPY trainer/target/lib/ /opt/orca/lib/
COPY trainer/target/orca-trainer-0.1.0-SNAPSHOT.jar /opt/orca/lib/
USER 1000
ENTRYPOINT ["java", "-cp", "/opt/orca/lib/*", "dev.orca.trainer.cli.Orca"]
