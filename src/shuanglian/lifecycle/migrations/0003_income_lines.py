from django.db import migrations


def load(apps, schema_editor):
    from shuanglian.lifecycle.lines import load_lines, read_lines

    load_lines(apps.get_model("lifecycle", "IncomeLine"), apps.get_model("regions", "Region"),
               read_lines())  # fmt: skip


class Migration(migrations.Migration):
    dependencies = [("lifecycle", "0002_procedures")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
