"""The studio's forms: they check shapes only; services decide."""

from __future__ import annotations

from django import forms

from apps.videos.models import Visibility
from apps.videos.studio.selectors import DEFAULT_SORT, SORTS
from media_pipeline.images import MAX_BYTES

# Room for the multipart boundaries and headers around a picture of MAX_BYTES.
FORM_OVERHEAD = 64 * 1024


class VideoEditForm(forms.Form):
    title = forms.CharField(max_length=200)
    description = forms.CharField(
        required=False, max_length=10_000, widget=forms.Textarea(attrs={"rows": 6})
    )
    tags = forms.CharField(required=False, max_length=500, help_text="Comma-separated.")
    visibility = forms.ChoiceField(choices=Visibility.choices)
    content_warning = forms.CharField(
        required=False, max_length=200, help_text="Shown before playback when set."
    )
    downloads_enabled = forms.BooleanField(
        required=False,
        label="Allow downloads",
        help_text="Viewers who may watch the video may also download the original file.",
    )


class ThumbnailForm(forms.Form):
    file = forms.FileField(
        label="Custom thumbnail",
        help_text=f"JPEG, PNG or WebP, up to {MAX_BYTES // 2**20} MB; shown 16:9.",
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        # Judged on the declared size before a byte is read into memory.
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                f"The image is {upload.size / 2**20:.1f} MB; at most {MAX_BYTES // 2**20} MB."
            )
        return upload


class StudioFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=200, label="Search your videos")
    sort = forms.ChoiceField(
        required=False,
        choices=[(key, label) for key, (label, _) in SORTS.items()],
        initial=DEFAULT_SORT,
    )


class BulkVisibilityForm(forms.Form):
    ids = forms.MultipleChoiceField(choices=[], error_messages={"required": "Select videos first."})
    visibility = forms.ChoiceField(choices=Visibility.choices)

    def __init__(self, *args, choices: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ids"].choices = choices


class BulkDeleteForm(forms.Form):
    ids = forms.MultipleChoiceField(choices=[], error_messages={"required": "Select videos first."})

    def __init__(self, *args, choices: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ids"].choices = choices
