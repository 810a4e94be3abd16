from django.db import migrations
from django.utils.text import slugify

from offers.reference_values import DISCIPLINES, SITE_TYPES, THEMES


def seed(apps, schema_editor):
    for model_name, names in (("Discipline", DISCIPLINES), ("Theme", THEMES), ("SiteType", SITE_TYPES)):
        model = apps.get_model("offers", model_name)
        for name in names:
            model.objects.get_or_create(slug=slugify(name), defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("offers", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
