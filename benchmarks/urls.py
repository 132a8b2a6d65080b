"""The product's URLs plus the baseline of the ingest benchmark: a view that returns fixed JSON."""
from django.http import JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from callkaro.urls import urlpatterns as product_urlpatterns


@csrf_exempt
def bare(request):
    return JsonResponse({"status": "ok"})


urlpatterns = [path("bench/bare", bare), *product_urlpatterns]
