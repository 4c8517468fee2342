# The operator: the Quarkus fast-jar from `mvn -pl operator -am package`. Built from the repository root, here by
# `images/build` (buildah, no Docker engine; the base made from Debian packages), elsewhere by:
#   docker build -f images/operator.Dockerfile -t ghcr.io/orca-dev/orca-operator:0.1.0 .
# BASE is any Debian 12 (bookworm) image: debian:bookworm-slim from a registry, or images/build's own.
ARG BASE=debian:bookworm-slim
FROM ${BASE}
RUN apt-get update && apt-get install -y --no-install-recommends openjdk-17-jre-headless \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --uid 185 --no-create-home --home-dir /tmp orca
COPY --chown=185 operator/target/quarkus-app/lib/ /deployments/lib/
COPY --chown=185 operator/target/quarkus-app/*.jar /deployments/
COPY --chown=185 operator/target/quarkus-app/app/ /deployments/app/
COPY --chown=185 operator/target/quarkus-app/quarkus/ /deployments/quarkus/
EXPOSE 8080
USER 185
# JAVA_OPTS_APPEND: the chart sets the JVM's flags here (values.yaml, jvm.options); this default fits a pod's memory.
ENV LANG=C.UTF-8 JAVA_OPTS_APPEND="-XX:MaxRAMPercentage=75"
ENTRYPOINT ["/bin/sh", "-c", "exec java -Djava.util.logging.manager=org.jboss.logmanager.LogManager $JAVA_OPTS_APPEND -jar /deployments/quarkus-run.jar"]
