"""Version 2 of the 2023–2024 set: indicator 2.2 read from the daily rollups (``ended_days``).

Version 1 stays as it was, so that anything pinned to it keeps its definitions (§9.6).
"""

from django.db import migrations


def load(apps, schema_editor):
    from minhbach.indicators.services import DEFINITIONS_DIR, load_file

    class Historical:
        IndicatorSet = apps.get_model("indicators", "IndicatorSet")
        IndicatorGroup = apps.get_model("indicators", "IndicatorGroup")
        IndicatorDefinition = apps.get_model("indicators", "IndicatorDefinition")

    load_file(DEFINITIONS_DIR / "bac-tra-my-2023-2024-v2.json", models_module=Historical)


class Migration(migrations.Migration):
    dependencies = [("indicators", "0004_rollup_ended_days")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
