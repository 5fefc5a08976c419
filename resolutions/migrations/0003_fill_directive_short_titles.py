"""Give every directive recorded before short titles existed the title the importer would propose for it now
(resolutions.parsing.titles.short_title, the one rule), so lists show a few words rather than a cut sentence."""
from django.db import migrations

from resolutions.parsing.titles import short_title


def fill_short_titles(apps, schema_editor):
    Directive = apps.get_model("resolutions", "Directive")
    changed = []
    for directive in Directive.objects.filter(short_title="").only("id", "text").iterator(chunk_size=500):
        directive.short_title = short_title(directive.text)
        changed.append(directive)
    Directive.objects.bulk_update(changed, ["short_title"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("resolutions", "0002_directive_short_title")]

    operations = [migrations.RunPython(fill_short_titles, migrations.RunPython.noop, elidable=True)]
