# questbot as a service: the badge server plus every chat adapter that has a token.
# Data (SQLite database, keys, badges) lives in /data; mount a volume there.
FROM python:3.11-slim

WORKDIR /app
COPY pyproject.toml README.md ./
COPY questbot ./questbot
COPY adapters ./adapters
COPY quests ./quests
COPY assets ./assets
RUN pip install --no-cache-dir . && useradd --system --home /data questbot \
    && mkdir -p /data && chown questbot /data

USER questbot
ENV QUESTBOT_DATA_DIR=/data \
    QUESTBOT_QUESTS_DIR=/app/quests \
    QUESTBOT_HOST=0.0.0.0 \
    QUESTBOT_PORT=8080
EXPOSE 8080
CMD ["questbot", "serve"]
