from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.views.generic import ListView

from .models import Task


@login_required
def home(request):
    return HttpResponse("home")


class TaskListView(ListView):
    model = Task


def task_detail(request, pk):
    return HttpResponse("")


def attachment_download(request, pk):
    return HttpResponse("")
