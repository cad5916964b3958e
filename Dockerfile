# syntax=docker/dockerfile:1
#
# eMSP platform image. One image, three roles chosen by the command (see docker/entrypoint.sh):
#   web (default): migrate (MIGRATE_ON_START=1), then gunicorn on $PORT (8000)
#   worker:        celery worker
#   beat:          celery beat with the django_celery_beat database scheduler
# Configuration comes from the environment (emsp/settings.py): DATABASE_URL, CELERY_BROKER_URL,
# REDIS_URL, SECRET_KEY (or SECRET_KEY_FILE), ALLOWED_HOSTS, OCPI_*, SECURE_HTTPS, ...
# Local stack: docker-compose.yml.

ARG PYTHON_IMAGE=python:3.11-slim

# --- builder: resolve the pinned dependencies into a self-contained virtualenv ---------------
FROM ${PYTHON_IMAGE} AS builder

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH

# Only requirements.txt, so code changes do not invalidate the dependency layer.
# Every pin ships a wheel (psycopg[binary], cryptography, msgspec): no compiler or libpq needed.
COPY requirements.txt /tmp/requirements.txt
RUN pip install --no-cache-dir -r /tmp/requirements.txt

# --- runtime ----------------------------------------------------------------------------------
FROM ${PYTHON_IMAGE} AS runtime

ARG EMSP_UID=10001
ARG EMSP_GID=10001

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH \
    DJANGO_SETTINGS_MODULE=emsp.settings \
    EMSP_VAR_DIR=/var/lib/emsp \
    PORT=8000

# Fixed uid/gid so volumes and secrets can be given the right owner from outside.
RUN groupadd --system --gid "${EMSP_GID}" emsp \
 && useradd --system --uid "${EMSP_UID}" --gid emsp --create-home --home-dir /home/emsp \
        --shell /usr/sbin/nologin emsp \
 && install -d -o emsp -g emsp -m 0750 /var/lib/emsp

COPY --from=builder /opt/venv /opt/venv

WORKDIR /app
# The code stays owned by root: the app user can read it but not change it.
COPY . /app
RUN chmod 0755 /app/docker/entrypoint.sh /app/docker/healthcheck.py

USER emsp

# Static files are baked into the image ($EMSP_VAR_DIR/static, served by whitenoise). The key is a
# throwaway that exists only for this command; with DATABASE_URL and CELERY_BROKER_URL unset the
# settings fall back to SQLite and the filesystem broker under var/, neither of which is touched.
# DEBUG=0 so the whitenoise manifest storage writes the hashed, compressed files.
RUN DEBUG=0 SECRET_KEY=collectstatic-build-only python manage.py collectstatic --noinput

EXPOSE 8000

# web: GET /healthz; worker and beat: `celery inspect ping` to this container (docker/healthcheck.py).
# The start period covers migrations on first start.
HEALTHCHECK --interval=30s --timeout=15s --start-period=60s --retries=3 \
    CMD ["python", "/app/docker/healthcheck.py"]

ENTRYPOINT ["/app/docker/entrypoint.sh"]
CMD ["web"]
