from django.db import migrations


def _create_search_indexes(apps, schema_editor):
    # PostgreSQL only: the embedded SQLite default searches without these.
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS videos_video_search_gin "
        "ON videos_video USING gin (search_vector)"
    )
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS videos_video_title_trgm "
        "ON videos_video USING gin (title gin_trgm_ops)"
    )


def _drop_search_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS videos_video_search_gin")
    schema_editor.execute("DROP INDEX IF EXISTS videos_video_title_trgm")


class Migration(migrations.Migration):
    dependencies = [("videos", "0001_initial")]
    operations = [migrations.RunPython(_create_search_indexes, _drop_search_indexes)]
