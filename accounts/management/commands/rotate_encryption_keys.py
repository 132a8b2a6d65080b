"""Re-encrypt every encrypted column with the first key in FIELD_ENCRYPTION_KEYS."""
from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import connection, transaction

from callkaro.encryption import EncryptedTextField, rotate


def encrypted_fields():
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, EncryptedTextField):
                yield model, field


class Command(BaseCommand):
    help = (
        "Re-encrypt stored secrets with the newest key. Put the new key first in "
        "FIELD_ENCRYPTION_KEYS, keep the old ones after it, run this, then drop the old ones."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        quote = connection.ops.quote_name
        for model, field in encrypted_fields():
            table, column, pk = quote(model._meta.db_table), quote(field.column), quote(model._meta.pk.column)
            # Raw SQL reads the stored tokens; the field itself would decrypt them.
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT {pk}, {column} FROM {table} WHERE {column} <> ''")
                rows = cursor.fetchall()
                for row_id, token in rows:
                    cursor.execute(f"UPDATE {table} SET {column} = %s WHERE {pk} = %s", [rotate(token), row_id])
            self.stdout.write(f"{model._meta.label}.{field.name}: {len(rows)} values re-encrypted")
