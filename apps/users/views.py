from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from apps.users import services
from apps.users.forms import ProfileForm, SignupForm
from apps.users.selectors import user_is_creator


def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = services.user_create(
            username=form.cleaned_data["username"],
            email=form.cleaned_data.get("email", ""),
            password=form.cleaned_data["password1"],
        )
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, f"Welcome to Streamsite, {user.username}!")
        return redirect("home")
    return render(request, "users/signup.html", {"form": form})


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Profile saved.")
        return redirect("profile")
    context = {"form": form, "is_creator": user_is_creator(request.user)}
    return render(request, "users/profile.html", context)


@login_required
@require_POST
def start_channel(request: HttpRequest) -> HttpResponse:
    services.user_start_channel(user=request.user)
    messages.success(request, "Your channel is ready: you can upload videos now.")
    return redirect(request.POST.get("next") or "profile")
