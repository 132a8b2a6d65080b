"""The Celery application. Workers only execute; the schedule lives in the database."""
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "callkaro.settings")

app = Celery("callkaro")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
