from django.http import HttpResponse
from django.views.generic import ListView

from .models import Resolution


class ResolutionListView(ListView):
    model = Resolution


def resolution_detail(request, pk):
    return HttpResponse("")
