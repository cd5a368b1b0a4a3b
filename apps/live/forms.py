from django import forms


class LiveStreamForm(forms.Form):
    title = forms.CharField(max_length=200)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    scheduled_for = forms.DateTimeField(
        required=False,
        label="Scheduled for (optional)",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
