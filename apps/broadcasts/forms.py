from django import forms

from apps.broadcasts.models import Display, Severity


class BroadcastForm(forms.Form):
    message = forms.CharField(max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    severity = forms.ChoiceField(choices=Severity.choices, initial=Severity.INFO)
    display = forms.ChoiceField(choices=Display.choices, initial=Display.BANNER, label="Show as")
    link = forms.URLField(
        max_length=500, required=False, label="Link (optional)", assume_scheme="https"
    )
    video = forms.CharField(
        max_length=16,
        required=False,
        label="Video id (optional)",
        help_text="Only on this video's page. Empty: the whole site.",
    )
    starts_at = forms.DateTimeField(
        required=False,
        label="Starts (UTC, optional)",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text="Empty: now.",
    )
    expires_at = forms.DateTimeField(
        required=False,
        label="Expires (UTC, optional)",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text="Empty: until ended.",
    )


class ContentWarningForm(forms.Form):
    video = forms.CharField(max_length=16, label="Video id")
    content_warning = forms.CharField(
        max_length=200, required=False, label="Reason", help_text="Empty: remove the warning."
    )
