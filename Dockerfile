# Builds and runs ctrlplane. The embedded PostgreSQL runs inside the container; point store.url at a PostgreSQL
# server for production and clusters.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY conf conf
COPY src src
RUN mvn -B -q -DskipTests package

FROM eclipse-temurin:17-jre
# python3 runs the demo images; util-linux gives setsid, procps gives kill, for the process provider
RUN apt-get update && apt-get install -y --no-install-recommends python3 util-linux procps \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 10001 ctrlplane
WORKDIR /opt/ctrlplane
COPY --from=build /src/target/ctrlplane.jar ctrlplane.jar
COPY conf conf
COPY images images
RUN mkdir -p data && chown -R ctrlplane:ctrlplane /opt/ctrlplane
USER ctrlplane
EXPOSE 8080
VOLUME ["/opt/ctrlplane/data"]
ENTRYPOINT ["java", "-Xmx512m", "-jar", "ctrlplane.jar"]
CMD ["serve"]
