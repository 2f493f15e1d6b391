# The GitHub App: `python -m bot` (intake and workers in one process; pass `web` or `worker` as
# the command for separate roles). docker build -t shipshape . && docker run -p 3000:3000 \
#   -e APP_ID=... -e PRIVATE_KEY="$(cat key.pem)" -e WEBHOOK_SECRET=... -v shipshape-data:/data shipshape
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 PORT=3000 DATA_DIR=/data

WORKDIR /app
COPY pyproject.toml README.md ./
COPY checks ./checks
COPY cli ./cli
COPY bot ./bot
RUN pip install '.[app]' \
    && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin shipshape \
    && mkdir -p /data && chown shipshape /data

USER shipshape
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '3000'), timeout=2)"]
ENTRYPOINT ["python", "-m", "bot"]
