"""The home page (/): what needs the person's attention first (tasks.selectors.home)."""
from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from ..selectors.home import home_page


@login_required
def home(request):
    return render(request, "tasks/home.html", home_page(request.user))
