# Streamsite: one image for web (Daphne) and workers (`manage.py worker`).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN apt-get update \
    && apt-get install -y --no-install-recommends ffmpeg \
    && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --uid 10001 streamsite
WORKDIR /app

COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .
# collectstatic needs settings to import; these values are only for the build step.
RUN DEBUG=0 SECRET_KEY=collectstatic-only ALLOWED_HOSTS=localhost python manage.py collectstatic --noinput \
    && chown -R streamsite:streamsite /app

USER streamsite
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz').status == 200 else 1)"
# Daphne believes no proxy header; set PROXY_COUNT to the number of proxies in front instead.
# `serve` is Daphne with a graceful stop: on SIGTERM /readyz fails for SHUTDOWN_GRACE_S first.
CMD ["python", "manage.py", "serve", "--bind", "0.0.0.0", "--port", "8000"]
