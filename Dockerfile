# RelapseSite container image.
#   docker build -t relapsesite .
#   docker run -p 8080:8080 -v relapsesite-data:/app/App_Data -e Site__BaseUrl=https://example.org relapsesite
# See README.md, "Run it in a container", for the settings an operator gives (mail, key ring, proxies).

# Build: the SDK restores, checks the strict build and publishes, with the Markdown content beside the app.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
# The image's architecture (BuildKit sets it: amd64, arm64). Naming it makes the publish ReadyToRun (precompiled), so
# the site reaches its first page sooner and JITs less (bench/README.md); restore and publish must name the same one.
ARG TARGETARCH
WORKDIR /src
# Restore first, from the project files only, so a code change does not download packages again.
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/RelapseSite/RelapseSite.csproj src/RelapseSite/
RUN dotnet restore src/RelapseSite/RelapseSite.csproj --arch "$TARGETARCH"
COPY src/ src/
COPY content/ content/
RUN dotnet publish src/RelapseSite/RelapseSite.csproj --configuration Release --no-restore --arch "$TARGETARCH" --output /out/app -p:UseAppHost=false \
    && mkdir -p /out/data/App_Data

# Run: the chiseled ASP.NET Core image has no shell, no package manager and a non-root user, "app" ($APP_UID).
FROM mcr.microsoft.com/dotnet/aspnet:10.0-noble-chiseled AS runtime
WORKDIR /app
# The two empty settings undo appsettings.json's local-run defaults, so a container started without its own refuses
# to start and names the key: Site__BaseUrl (else every canonical link and the sitemap say localhost) and Mail__Host
# (else inquiries sit as plain-text files in the volume, where nobody reads them).
ENV ASPNETCORE_ENVIRONMENT=Production \
    ASPNETCORE_HTTP_PORTS=8080 \
    DOTNET_NOLOGO=1 \
    Site__BaseUrl="" \
    Mail__PickupDirectory=""
# The app files stay owned by root: the app user can read them, not change them.
COPY --from=build /out/app/ ./
# Only App_Data (outbox, key ring, mail pickup) is the app user's. A named volume mounted here starts with this owner.
COPY --from=build --chown=$APP_UID:$APP_UID /out/data/ ./
USER $APP_UID
EXPOSE 8080
VOLUME ["/app/App_Data"]
# No curl in a chiseled image: the app probes its own /healthz/ready (exit 0 ready or Degraded, 1 not ready).
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 CMD ["dotnet", "RelapseSite.dll", "health-probe"]
ENTRYPOINT ["dotnet", "RelapseSite.dll"]
