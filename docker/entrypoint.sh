#!/usr/bin/env bash
# Container entrypoint. The first argument picks what runs; the rest is passed on:
#   web [gunicorn args]     migrate first (unless MIGRATE_ON_START=0), then gunicorn on $PORT
#   worker [celery args]    celery worker
#   beat [celery args]      celery beat, schedules kept in the database (django_celery_beat)
#   migrate [args]          python manage.py migrate --noinput
#   manage <args>           python manage.py <args>, e.g. `manage createsuperuser`
#   anything else           exec'd as given, e.g. `bash` or `python -c ...`
# Every branch ends in `exec`, so the process becomes PID 1 and receives SIGTERM/SIGINT itself
# (gunicorn and celery then shut down gracefully).
#
# EMSP_ROLE is exported for docker/healthcheck.py, which reads it from the running process's
# environment (/proc/<pid>/environ): a health check does not inherit this script's exports.
set -euo pipefail

cd "$(dirname "$(readlink -f "$0")")/.."

role="${1:-web}"
if [ "$#" -gt 0 ]; then
    shift
fi

is_true() {
    case "${1,,}" in
        1 | true | yes | on) return 0 ;;
        *) return 1 ;;
    esac
}

case "$role" in
    web)
        export EMSP_ROLE=web
        # With several web replicas, set MIGRATE_ON_START=0 and run `migrate` once per release
        # instead, so the replicas do not race each other through the same migrations.
        if is_true "${MIGRATE_ON_START:-1}"; then
            python manage.py migrate --noinput
        fi
        exec gunicorn emsp.wsgi \
            --bind "0.0.0.0:${PORT:-8000}" \
            --workers "${WEB_CONCURRENCY:-4}" \
            --worker-class sync \
            --timeout 120 \
            --access-logfile - \
            "$@"
        ;;
    worker)
        export EMSP_ROLE=worker
        exec celery -A emsp worker --loglevel INFO "$@"
        ;;
    beat)
        export EMSP_ROLE=beat
        # --enable-remote-control: beat answers `celery inspect ping` (as celerybeat@<hostname>)
        # while its scheduler loop keeps ticking; docker/healthcheck.py relies on it.
        exec celery -A emsp beat --loglevel INFO \
            --scheduler django_celery_beat.schedulers:DatabaseScheduler \
            --enable-remote-control "$@"
        ;;
    migrate)
        export EMSP_ROLE=task
        exec python manage.py migrate --noinput "$@"
        ;;
    manage)
        export EMSP_ROLE=task
        exec python manage.py "$@"
        ;;
    *)
        export EMSP_ROLE=task
        exec "$role" "$@"
        ;;
esac
