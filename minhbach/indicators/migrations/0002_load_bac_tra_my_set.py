"""Load the 2023–2024 definition set (campaign targets + Decision 766) from the repository file."""

from django.db import migrations


def load(apps, schema_editor):
    from minhbach.indicators.services import load_file

    class Historical:
        IndicatorSet = apps.get_model("indicators", "IndicatorSet")
        IndicatorGroup = apps.get_model("indicators", "IndicatorGroup")
        IndicatorDefinition = apps.get_model("indicators", "IndicatorDefinition")

    load_file(models_module=Historical)


class Migration(migrations.Migration):
    dependencies = [("indicators", "0001_definitions_and_rollups")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
