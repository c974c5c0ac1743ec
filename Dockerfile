# Gitwatch on Open Liberty. The WAR is built by Maven beforehand, so no build tool ends up in the image:
#
#   mvn package && docker build -t gitwatch .
#
# Base: Open Liberty's kernel-slim image (the kernel only: features.sh installs exactly the features
# server.xml lists) on UBI 9 minimal with the IBM Semeru (OpenJ9) Java 17 JRE. The version is the one
# the tests run on (liberty.runtime.version in pom.xml; ManifestsTest keeps the two equal).
ARG LIBERTY_VERSION=26.0.0.5
FROM icr.io/appcafe/open-liberty:${LIBERTY_VERSION}-kernel-slim-java17-openj9-ubi-minimal

# The one server configuration: the file `mvn liberty:run` and the integration tests' server use.
COPY --chown=1001:0 liberty/server.xml /config/
# Deploys /config/apps/gitwatch.war at the context root "/" (see the file for why not dropins).
COPY --chown=1001:0 liberty/container/app.xml /config/configDropins/defaults/
RUN features.sh

COPY --chown=1001:0 target/gitwatch.war /config/apps/
# Applies the configuration and warms the class cache, so that a pod starts faster.
RUN configure.sh

USER 1001
EXPOSE 9080
