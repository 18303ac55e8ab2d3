"""The five default stars of 五星级文明户; administrators edit the list afterwards."""

from django.db import migrations

DEFAULT_STARS = ("爱国守法", "诚信友善", "勤劳致富", "孝老爱亲", "卫生整洁")


def add_default_stars(apps, schema_editor):
    Star = apps.get_model("ratings", "Star")
    for order, name in enumerate(DEFAULT_STARS, start=1):
        Star.objects.get_or_create(name=name, defaults={"order": order, "active": True})


class Migration(migrations.Migration):
    dependencies = [("ratings", "0001_initial")]

    operations = [migrations.RunPython(add_default_stars, migrations.RunPython.noop)]
