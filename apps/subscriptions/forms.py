from django import forms

from apps.subscriptions.models import NotifyLevel


class ChannelSettingsForm(forms.Form):
    description = forms.CharField(
        required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 5})
    )
    avatar = forms.FileField(
        required=False, help_text="JPEG, PNG or WebP; shown as a square, cropped around the centre."
    )
    remove_avatar = forms.BooleanField(required=False, label="Remove the avatar")
    banner = forms.FileField(
        required=False, help_text="JPEG, PNG or WebP; shown at 4:1 (1600×400), cropped."
    )
    remove_banner = forms.BooleanField(required=False, label="Remove the banner")


class NotifyForm(forms.Form):
    notify = forms.ChoiceField(choices=NotifyLevel.choices, label="Notifications")
