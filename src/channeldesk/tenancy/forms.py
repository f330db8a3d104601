from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from channeldesk.tenancy.validation import country_choices


class PartnerForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    street = forms.CharField(label=_("Street address"), max_length=200, required=False)
    postal_code = forms.CharField(label=_("Postal code"), max_length=20, required=False)
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    country = forms.ChoiceField(label=_("Country"), required=False)
    phone = forms.CharField(label=_("Support phone"), max_length=30, required=False)
    support_email = forms.EmailField(label=_("Support e-mail"), required=False)
    default_language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    listed = forms.BooleanField(label=_("Listed: customers can find us by name"), required=False)

    def __init__(self, *args, kinds=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", "—"), *country_choices()]
        if kinds:
            self.fields["kind"] = forms.ChoiceField(label=_("Kind"), choices=kinds)
