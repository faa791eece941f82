# notes-sync as a container for a scheduled job:
#   docker build -t notes-sync .
#   docker run --rm -v "$PWD:/work" notes-sync sync --config /work/sync.toml
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY syncer ./syncer
RUN pip install --no-cache-dir . && useradd --create-home syncer
COPY config ./config
COPY examples ./examples
USER syncer
ENTRYPOINT ["syncer"]
CMD ["--help"]
