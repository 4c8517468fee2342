# The operator: the Quarkus fast-jar from `mvn -pl operator -am package`. Build from the repository root:
#   docker build -f images/operator.Dockerfile -t ghcr.io/orca-dev/orca-operator:0.1.0 .
FROM registry.access.redhat.com/ubi9/openjdk-17-runtime:1.21
ENV LANGUAGE=en_US:en LANG=en_US.UTF-8 JAVA_OPTS_APPEND="-XX:MaxRAMPercentage=75"
COPY --chown=185 operator/target/quarkus-app/lib/ /deployments/lib/
COPY --chown=185 operator/target/quarkus-app/*.jar /deployments/
COPY --chown=185 operator/target/quarkus-app/app/ /deployments/app/
COPY --chown=185 operator/target/quarkus-app/quarkus/ /deployments/quarkus/
EXPOSE 8080
USER 185
ENV JAVA_APP_JAR=/deployments/quarkus-run.jar
ENTRYPOINT ["/opt/jboss/container/java/run/run-java.sh"]
