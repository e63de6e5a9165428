FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PORTAL_ENV=production
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext postgresql-client libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-core fonts-wqy-microhei \
        apertium apertium-en-es apertium-fr-es \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 1000 portal

WORKDIR /app
COPY pyproject.toml README.md ./
COPY portal portal
COPY reviews reviews
COPY consultations consultations
COPY discussions discussions
COPY funding funding
COPY reminders reminders
RUN pip install --no-cache-dir .
COPY . .
RUN SECRET_KEY=build DATABASE_URL=sqlite:////tmp/build.sqlite3 EMAIL_HOST=localhost \
    python manage.py compilemessages --ignore='.venv/*' -v 0 \
    && mkdir -p /app/var && chown -R portal /app/var

USER portal
EXPOSE 8000
CMD ["scripts/web-start"]
