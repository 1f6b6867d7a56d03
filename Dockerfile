# factquiz: the same install path CI checks (scripts/check-wheel.sh): build the wheel, install
# it non-editable, run the console script. Data files and map geometry ship inside the wheel.
FROM python:3.12-slim AS build
WORKDIR /src
COPY . .
RUN pip wheel . --no-deps -w /dist

FROM python:3.12-slim
RUN useradd --create-home --uid 10001 factquiz
COPY --from=build /dist/*.whl /tmp/
RUN pip install --no-cache-dir /tmp/*.whl && rm /tmp/*.whl
USER factquiz
# var/ (the SQLite file when DATABASE_URL is unset, playground pictures) lives here.
WORKDIR /home/factquiz
ENV METRICS_PORT=9100 \
    PYTHONUNBUFFERED=1
EXPOSE 9100
# 200 only when the gateway is connected and the database answers (see /healthz).
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD python -c "import os, urllib.request; urllib.request.urlopen(f'http://127.0.0.1:{os.environ.get(\"METRICS_PORT\", \"9100\")}/healthz', timeout=4)"
CMD ["factquiz"]
