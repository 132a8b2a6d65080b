from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from calls.providers.callbacks import receive_callback


@csrf_exempt
@require_POST
def provider_events(request, name: str):
    """Status callbacks from a voice-AI provider; signed, so CSRF does not apply."""
    result = receive_callback(name, request)
    return JsonResponse(result.body, status=result.status)
