# The trainer: `orca run <experiment.yaml>`. Two targets of one definition, built from the repository root after
# `mvn -pl trainer -am package -DskipTests` (which puts the runtime jars in trainer/target/lib) — here by `images/build`
# (buildah, no Docker engine; the base made from Debian packages), elsewhere by:
#   docker build -f images/trainer.Dockerfile --target cpu  -t ghcr.io/orca-dev/orca-trainer-cpu:0.1.0 .
#   docker build -f images/trainer.Dockerfile --target cuda -t ghcr.io/orca-dev/orca-trainer:0.1.0 .
# cpu:  libtorch comes from the pytorch-native-cpu jar; DJL unpacks it at start into DJL_CACHE_DIR (the pod's /tmp).
# cuda: adds libtorch 2.7.1 for CUDA from PyPI's torch wheel with the nvidia-* runtime wheels it depends on (their
#       RPATHs find each other in the wheels' own layout; 4.4 GB), and points DJL at it. The cu128 JNI library in the
#       pytorch-jni jar binds it (checked: DJL 0.36 loads it and, with no GPU, computes on the CPU).
# BASE is any Debian 12 (bookworm) image: debian:bookworm-slim from a registry, or images/build's own.
ARG BASE=debian:bookworm-slim
ARG TORCH_VERSION=2.7.1

FROM ${BASE} AS cuda-libtorch
ARG TORCH_VERSION
# Only the shared libraries, in the wheels' layout (torch/lib finds nvidia/* and cusparselt/ through $ORIGIN RPATHs);
# libtorch_python needs a Python, which the trainer does not have. libcaffe2_nvrtc needs the driver's libcuda.so.1,
# which the GPU node provides.
RUN apt-get update && apt-get install -y --no-install-recommends python3-pip \
 && pip install --no-cache-dir --break-system-packages --target /tmp/wheels "torch==${TORCH_VERSION}" \
 && mkdir -p /opt/torch/torch && mv /tmp/wheels/torch/lib /opt/torch/torch/lib \
 && mv /tmp/wheels/nvidia /tmp/wheels/cusparselt /opt/torch/ && rm -f /opt/torch/torch/lib/libtorch_python.so \
 && rm -rf /tmp/wheels /var/lib/apt/lists/*

FROM ${BASE} AS cpu
RUN apt-get update && apt-get install -y --no-install-recommends openjdk-17-jre-headless libjemalloc2 \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --uid 1000 --no-create-home --home-dir /tmp orca
# jemalloc as ./orca configures it (its comment says why: pages reused across steps, RSS bounded by a 10 s decay).
ENV LD_PRELOAD=/usr/lib/x86_64-linux-gnu/libjemalloc.so.2 \
    MALLOC_CONF=oversize_threshold:1,background_thread:true,metadata_thp:auto,dirty_decay_ms:10000,muzzy_decay_ms:0
COPY trainer/target/lib/ /opt/orca/lib/
COPY trainer/target/orca-trainer-0.1.0-SNAPSHOT.jar /opt/orca/lib/
USER 1000
# The JVM's flags on its command line, not in JAVA_TOOL_OPTIONS: the JVM announces that variable on stderr ("Picked up
# JAVA_TOOL_OPTIONS ..."), and a container killed before it writes anything else (OOMKilled while loading the body) had
# that line as its termination message, so the experiment's status showed it as the reason. JAVA_TOOL_OPTIONS stays
# free for a user's own additions.
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=60", "-Dai.djl.offline=true", "-Dai.djl.default_engine=PyTorch", \
            "-cp", "/opt/orca/lib/*", "dev.orca.trainer.cli.Orca"]

FROM cpu AS cuda
ARG TORCH_VERSION
COPY --from=cuda-libtorch /opt/torch/ /opt/torch/
ENV PYTORCH_LIBRARY_PATH=/opt/torch/torch/lib PYTORCH_VERSION=${TORCH_VERSION} PYTORCH_FLAVOR=cu128
