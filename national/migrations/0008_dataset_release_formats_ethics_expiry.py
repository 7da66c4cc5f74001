"""Issue 15: several formats per request, label language, organisation and ethics approval
number, expired releases (files purged)."""

from django.db import migrations, models


def formats_from_fmt(apps, schema_editor):
    DatasetRequest = apps.get_model("national", "DatasetRequest")
    for request in DatasetRequest.objects.all().only("pk", "fmt"):
        DatasetRequest.objects.filter(pk=request.pk).update(formats=[request.fmt])


def fmt_from_formats(apps, schema_editor):
    DatasetRequest = apps.get_model("national", "DatasetRequest")
    for request in DatasetRequest.objects.all().only("pk", "formats"):
        first = (request.formats or ["csv"])[0]
        DatasetRequest.objects.filter(pk=request.pk).update(fmt=first)


class Migration(migrations.Migration):
    dependencies = [("national", "0007_vocabulary_dataset_layout_labels")]

    operations = [
        migrations.AddField(
            model_name="datasetrequest",
            name="formats",
            field=models.JSONField(default=list, verbose_name="format"),
        ),
        migrations.RunPython(formats_from_fmt, fmt_from_formats),
        migrations.RemoveField(model_name="datasetrequest", name="fmt"),
    ]
