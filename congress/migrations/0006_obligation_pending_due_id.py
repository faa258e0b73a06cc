# The sweep claims pending obligations by (due date, id) with a keyset cursor: a partial index
# on exactly those columns and rows (congress/sweep.py, EXPLAIN in docs/performance.md).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("congress", "0005_privacy_private_files"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="obligation",
            name="obligation_pending_due",
        ),
        migrations.AddIndex(
            model_name="obligation",
            index=models.Index(
                condition=models.Q(("state__in", ["open", "returned", "overdue"])),
                fields=["due_date", "id"],
                name="obligation_pending_due_id",
            ),
        ),
    ]
