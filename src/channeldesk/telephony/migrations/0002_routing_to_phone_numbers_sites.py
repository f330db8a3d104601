"""Extensions route the account's own contracts.PhoneNumber (not any E.164 text); emergency
numbers belong to a site product, their caller location the site's address unless overridden."""

import django.db.models.deletion
from django.db import migrations, models


def forwards(apps, schema_editor):
    Extension = apps.get_model("telephony", "Extension")
    EmergencyNumber = apps.get_model("telephony", "EmergencyNumber")
    PhoneNumber = apps.get_model("contracts", "PhoneNumber")
    SiteProduct = apps.get_model("contracts", "SiteProduct")
    for ext in Extension.objects.exclude(phone_e164="").iterator():
        number = PhoneNumber.objects.filter(account_id=ext.account_id, e164=ext.phone_e164).first()
        if number is not None and not Extension.objects.filter(phone_number=number).exists():
            ext.phone_number = number
            ext.save(update_fields=["phone_number"])
            PhoneNumber.objects.filter(id=number.id).update(
                usage="cloud_pbx", user_id=ext.user_id if ext.kind == "user" else None
            )
    # A number given to a user's seat on the numbers page is now routed to that user's
    # extension; without one it cannot stay a cloud PBX seat.
    routed = Extension.objects.exclude(phone_number=None).values_list("phone_number_id", flat=True)
    for number in PhoneNumber.objects.filter(usage="cloud_pbx").exclude(id__in=list(routed)):
        ext = Extension.objects.filter(
            account_id=number.account_id, kind="user", user_id=number.user_id, phone_number=None
        ).first()
        if ext is not None and number.user_id:
            ext.phone_number = number
            ext.save(update_fields=["phone_number"])
        else:
            PhoneNumber.objects.filter(id=number.id).update(usage="unassigned", user=None)
    for n in EmergencyNumber.objects.iterator():
        site = SiteProduct.objects.filter(
            base_package__account_id=n.account_id, name=n.site
        ).first()
        if site is not None:
            n.site_product = site
            n.location_overridden = True  # kept as it was typed
            n.save(update_fields=["site_product", "location_overridden"])


class Migration(migrations.Migration):
    dependencies = [
        ("contracts", "0002_areas_failure_codes_services"),
        ("telephony", "0001_initial"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="emergencynumber", name="emergency_unique_site_number"
        ),
        migrations.RemoveConstraint(model_name="extension", name="extension_unique_phone_number"),
        migrations.RenameField(model_name="extension", old_name="phone_number", new_name="phone_e164"),
        migrations.AddField(
            model_name="extension",
            name="phone_number",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="extension",
                to="contracts.phonenumber",
            ),
        ),
        migrations.AddField(
            model_name="emergencynumber",
            name="location_overridden",
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name="emergencynumber",
            name="site_product",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="emergency_numbers",
                to="contracts.siteproduct",
            ),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.RemoveField(model_name="extension", name="phone_e164"),
        migrations.RemoveField(model_name="emergencynumber", name="site"),
        migrations.AddConstraint(
            model_name="emergencynumber",
            constraint=models.UniqueConstraint(
                fields=("account", "site_product", "number"), name="emergency_unique_site_number"
            ),
        ),
    ]
