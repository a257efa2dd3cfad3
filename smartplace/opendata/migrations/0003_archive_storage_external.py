"""
On PostgreSQL, keep release zips uncompressed out of line (`SET STORAGE EXTERNAL`), so that
`substring(archive from offset for n)` fetches only the TOAST chunks it needs instead of
decompressing the whole value (docs/open-data.md, "Streaming"). SQLite has no such setting:
nothing to do there. Applies to rows written from now on; reversed, back to PostgreSQL's
default for bytea (EXTENDED).
"""

from django.db import migrations

TABLE = "opendata_datarelease"


def _storage(kind: str):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            quote = schema_editor.quote_name
            schema_editor.execute(
                f"ALTER TABLE {quote(TABLE)} ALTER COLUMN {quote('archive')} SET STORAGE {kind}")
    return run


class Migration(migrations.Migration):

    dependencies = [
        ("opendata", "0002_release_key_help"),
    ]

    operations = [
        migrations.RunPython(_storage("EXTERNAL"), _storage("EXTENDED"), elidable=False),
    ]
