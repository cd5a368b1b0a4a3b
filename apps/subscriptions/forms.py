from django import forms

from apps.subscriptions.models import NotifyLevel


class ChannelSettingsForm(forms.Form):
    description = forms.CharField(
        required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 5})
    )
    avatar = forms.FileField(
        required=False, help_text="JPEG, PNG, WebP or GIF; shown as a 256×256 square."
    )
    remove_avatar = forms.BooleanField(required=False, label="Remove the avatar")
    banner = forms.FileField(
        required=False, help_text="JPEG, PNG, WebP or GIF; shown at 1600×400, cropped to fit."
    )
    remove_banner = forms.BooleanField(required=False, label="Remove the banner")


class NotifyForm(forms.Form):
    notify = forms.ChoiceField(choices=NotifyLevel.choices, label="Notifications")
