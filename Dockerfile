# questbot as a service: the badge server plus every chat adapter that has a token.
# Data (SQLite database, keys, badges) lives in /data, a volume; PostgreSQL instead through
# QUESTBOT_DATABASE_URL (its driver, asyncpg, is a core dependency).

# --- build: a virtual environment with the locked dependencies, then questbot ------------
FROM python:3.11.13-slim-bookworm AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
RUN python -m venv /opt/questbot
# The lock first, so this layer is rebuilt only when the lock changes, not with the source.
# It holds the Telegram and Discord extras; only files whose hashes it names are installed.
COPY requirements.lock /tmp/requirements.lock
RUN /opt/questbot/bin/pip install --require-hashes --no-deps -r /tmp/requirements.lock
COPY pyproject.toml README.md LICENSE /src/
COPY questbot /src/questbot
COPY adapters /src/adapters
# questbot's wheel, installed with its extras from what is already there and no index:
# a dependency missing from the lock fails the build instead of being fetched unpinned.
RUN /opt/questbot/bin/pip wheel --no-deps --wheel-dir /tmp/dist /src \
    && /opt/questbot/bin/pip install --no-index --find-links /tmp/dist \
       'questbot[telegram,discord]' \
    && /opt/questbot/bin/pip check

# --- runtime: the environment, the example quests, an unprivileged user -----------------
FROM python:3.11.13-slim-bookworm AS runtime
RUN useradd --system --uid 10001 --user-group --home-dir /data --shell /usr/sbin/nologin \
        questbot \
    && mkdir -p /data && chown questbot:questbot /data
COPY --from=build /opt/questbot /opt/questbot
COPY quests /app/quests
WORKDIR /app
ENV PATH=/opt/questbot/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    QUESTBOT_DATA_DIR=/data \
    QUESTBOT_QUESTS_DIR=/app/quests \
    QUESTBOT_HOST=0.0.0.0 \
    QUESTBOT_PORT=8080
USER questbot
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request as u; u.urlopen('http://127.0.0.1:' + os.environ['QUESTBOT_PORT'] + '/healthz', timeout=4)"]
CMD ["questbot", "serve"]
