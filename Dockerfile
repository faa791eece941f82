# notes-sync as a container for a scheduled job. No credentials are baked in: pass them as
# environment variables (CONFLUENCE_*), mount the Google credential file, and mount the config
# at /config/notes-sync.toml:
#   docker build -t notes-sync .
#   docker run --rm -v "$PWD/notes-sync.toml:/config/notes-sync.toml:ro" \
#     -e CONFLUENCE_USERNAME -e CONFLUENCE_API_TOKEN \
#     -v "$PWD/google.json:/secrets/google.json:ro" \
#     -e GOOGLE_APPLICATION_CREDENTIALS=/secrets/google.json notes-sync
# The image runs `syncer sync --config /config/notes-sync.toml` unless given other arguments.

# Build stage: a virtual environment with notes-sync and its pinned dependencies.
FROM python:3.11-slim-bookworm AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1 PIP_ROOT_USER_ACTION=ignore
WORKDIR /src
COPY constraints.txt pyproject.toml README.md ./
COPY syncer ./syncer
RUN python -m venv /opt/venv \
    && /opt/venv/bin/pip install -c constraints.txt setuptools \
    && /opt/venv/bin/pip install -c constraints.txt --no-build-isolation .

# Final stage: the same Python, the venv, and nothing else; runs as an unprivileged user.
FROM python:3.11-slim-bookworm
ENV PATH=/opt/venv/bin:$PATH PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
RUN groupadd --system --gid 10001 syncer \
    && useradd --system --uid 10001 --gid syncer --no-create-home --shell /usr/sbin/nologin syncer
COPY --from=build /opt/venv /opt/venv
USER 10001:10001
ENTRYPOINT ["syncer"]
CMD ["sync", "--config", "/config/notes-sync.toml"]
