# HttpRaft node image: build with the .NET SDK, run on the ASP.NET Core runtime as a non-root user.
#
#   docker build -t httpraft .
#   docker network create raft
#   docker run -d --name node0 --network raft -p 9000:9000 -v "$PWD/peers.docker.json:/config/peers.json:ro" -v node0-data:/data httpraft 0
#   (and node1, node2 likewise with their id)
#
# The node reads /config/peers.json (the working directory) and keeps its log in the /data volume.
# Inside a container the node must listen on all interfaces: write the addresses in peers.json with the
# containers' host names, e.g. {"peers": ["node0:8000", "node1:8000", "node2:8000"],
# "apis": ["node0:9000", "node1:9000", "node2:9000"]}. A host name other than "localhost" (or the
# address 0.0.0.0) makes the node listen on every interface; "localhost" would listen on the
# container's loopback only, where nothing outside can reach it. A single node without peers.json
# (which defaults to localhost) can be opened up from the command line:
#   docker run -d -p 9000:9000 httpraft --HttpRaft:Peers:0=0.0.0.0:8000 --HttpRaft:Apis:0=0.0.0.0:9000

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# Restore first, from the project files alone, so that the layer is reused until a dependency changes.
COPY Directory.Build.props Directory.Packages.props ./
COPY src/HttpRaft.Consensus/HttpRaft.Consensus.csproj src/HttpRaft.Consensus/
COPY src/HttpRaft.Storage/HttpRaft.Storage.csproj src/HttpRaft.Storage/
COPY src/HttpRaft.AspNetCore/HttpRaft.AspNetCore.csproj src/HttpRaft.AspNetCore/
COPY src/HttpRaft/HttpRaft.csproj src/HttpRaft/
RUN dotnet restore src/HttpRaft/HttpRaft.csproj
COPY src/ src/
RUN dotnet publish src/HttpRaft/HttpRaft.csproj --no-restore -c Release -o /app -p:UseAppHost=false

FROM mcr.microsoft.com/dotnet/aspnet:10.0
LABEL org.opencontainers.image.title="HttpRaft" \
      org.opencontainers.image.description="A replicated, append-only log served over HTTP (Raft)"
WORKDIR /app
COPY --from=build /app ./
# The data directory belongs to the image's non-root "app" user, so a fresh named volume does too.
RUN mkdir -p /data /config && chown "$APP_UID" /data
VOLUME /data
# The node's addresses come from peers.json alone, not from the image's default ASPNETCORE_HTTP_PORTS.
ENV HttpRaft__DataDir=/data \
    ASPNETCORE_HTTP_PORTS=""
WORKDIR /config
USER $APP_UID
# 8000: peer traffic (/raft/*), 9000: client API, as in peers.example.json.
EXPOSE 8000 9000
# SIGTERM is a graceful stop: a leader hands leadership over and lets waiting clients finish (bounded by about two
# election timeouts), well inside docker stop's 10 s before SIGKILL.
STOPSIGNAL SIGTERM
ENTRYPOINT ["dotnet", "/app/HttpRaft.dll"]
