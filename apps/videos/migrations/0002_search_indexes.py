from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

import streamsite.indexes

# PostgreSQL only: on SQLite (the embedded default) these compile to nothing, and search works
# without them. An existing database has them already, created by this migration's earlier raw
# SQL under the same names.


class Migration(migrations.Migration):
    dependencies = [("videos", "0001_initial")]
    operations = [
        TrigramExtension(),
        migrations.AddIndex(
            model_name="video",
            index=streamsite.indexes.PostgresGinIndex(
                fields=["search_vector"], name="videos_video_search_gin"
            ),
        ),
        migrations.AddIndex(
            model_name="video",
            index=streamsite.indexes.PostgresGinIndex(
                fields=["title"], opclasses=["gin_trgm_ops"], name="videos_video_title_trgm"
            ),
        ),
    ]
