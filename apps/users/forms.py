from django import forms
from django.contrib.auth.forms import UserCreationForm

from apps.users.models import User


class SignupForm(UserCreationForm):
    email = forms.EmailField(
        required=False, help_text="Optional; used only to reset your password."
    )

    class Meta:
        model = User
        fields = ("username", "email")


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ("display_name", "bio", "email")
        widgets = {"bio": forms.Textarea(attrs={"rows": 4})}
