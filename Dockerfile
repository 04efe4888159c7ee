# syntax=docker/dockerfile:1
# Concurrency Lab: build with the Maven wrapper on a JDK 25, run the extracted layers on a JRE 25.
#   docker build -t concurrency-lab .      docker run --rm -p 127.0.0.1:8080:8080 concurrency-lab
# With podman or buildah, build in docker format (--format docker): the OCI image format has no
# HEALTHCHECK, and they drop it silently. deploy/container-e2e.sh builds and runs this file.
# deploy/prometheus-e2e.sh repeats the extract and the ENTRYPOINT below outside Docker, so keep
# the ENTRYPOINT on one line in JSON form.

# The base images are build arguments, so that a build that reaches no registry can pass JDK 25
# and JRE 25 images of its own, laid out like these (JAVA_HOME=/opt/java/openjdk on the PATH,
# bash, groupadd and useradd): --build-arg JDK_IMAGE=… --build-arg JRE_IMAGE=…
# (deploy/container-e2e.sh does, with stand-ins it makes from Debian and the machine's JDK).
ARG JDK_IMAGE=eclipse-temurin:25-jdk
ARG JRE_IMAGE=eclipse-temurin:25-jre

FROM ${JDK_IMAGE} AS build
WORKDIR /src
# The wrapper and the pom first, so that a change in src/ alone reuses the Maven cache mount.
COPY mvnw pom.xml ./
COPY .mvn/ .mvn/
COPY src/ src/
# The same build CI runs (without the tests: CI runs them). The JDK image has neither curl,
# wget nor unzip; the wrapper then downloads Maven with its own Java downloader as a .tar.gz.
RUN --mount=type=cache,target=/root/.m2 ./mvnw -B -ntp -DskipTests package
RUN java -Djarmode=tools -jar target/*.jar extract --layers --launcher --destination extracted

FROM ${JRE_IMAGE}
# A full JRE on purpose: the processes and process-pool modes start worker JVMs with this
# same java executable, from the worker image made below.
# A fixed uid and gid, so that an orchestrator can check runAsNonRoot (deploy/k8s runs as 10001).
RUN groupadd --system --gid 10001 lab && useradd --system --uid 10001 --gid lab --no-create-home --home-dir /app --shell /usr/sbin/nologin lab
WORKDIR /app
# Least to most often changed, so that a code change rebuilds only the last layer.
COPY --from=build /src/extracted/dependencies/ ./
COPY --from=build /src/extracted/spring-boot-loader/ ./
COPY --from=build /src/extracted/snapshot-dependencies/ ./
COPY --from=build /src/extracted/application/ ./
# JDK 25 AOT cache (JEP 483/514/515) from a training run that stops right after the context
# refresh: classes come loaded and linked, start-up to healthy is faster (see deploy/README.md).
# Same flags as the ENTRYPOINT; if the cache does not fit at run time the JVM just ignores it.
RUN java -XX:MaxRAMPercentage=60 -XX:+ExitOnOutOfMemoryError -XX:AOTCacheOutput=app.aot -Dspring.context.exit=onRefresh \
        org.springframework.boot.loader.launch.JarLauncher
# The worker image: a jar of the worker's classes and its own JDK 25 AOT cache, from a
# training run of one computing and one waiting task. The service reuses it, so the
# container's worker JVMs start from it at once (deploy/prometheus-e2e.sh repeats this step).
RUN java -cp BOOT-INF/classes dev.concurrencylab.worker.WorkerImage /app/worker-image
ENV LAB_WORKER_IMAGE_DIR=/app/worker-image
# The store of results (an H2 file database by default) lives in /app/data, the lab user's:
# the training run above opened one as root, and a named volume mounted here takes this
# folder's owner. Set SPRING_DATASOURCE_URL to use PostgreSQL instead.
RUN rm -rf /app/data && install -d -o lab -g lab /app/data
VOLUME /app/data
USER 10001:10001
EXPOSE 8080
# Neither curl nor wget is in the JRE image: bash's /dev/tcp asks the health endpoint instead.
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
    CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /actuator/health HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && grep -q '\"status\":\"UP\"' <&3"]
# MaxRAMPercentage 60, not 75: worker processes are JVMs of their own (up to 4 × cores, each
# -Xmx256m) under the same container memory limit. SIGTERM (docker stop) reaches java directly
# (exec form): the service refuses new experiments (503) and cancels the running ones, which
# end CANCELLED, one log line each ("Shutdown: experiment <id> (<mode>) CANCELLED, n of N tasks
# completed"), and stored as such in /app/data (or the PostgreSQL configured). Their worker
# processes are killed and reaped, then Tomcat finishes the requests in flight (Spring's
# graceful shutdown, 30 s phase timeout) and java exits with 143. Usually within a second or
# two; give `docker stop` more than its default 10 s all the same (compose: stop_grace_period).
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=60", "-XX:+ExitOnOutOfMemoryError", "-XX:AOTCache=app.aot", "org.springframework.boot.loader.launch.JarLauncher"]
